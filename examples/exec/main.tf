# A certificate for a name and its wildcard, through DNS-01 challenges answered by your
# own program (the exec DNS provider), here one that updates a DNS server with nsupdate.
# `npm run demo` applies this stack against the local lab (Pebble, bind9, unbound).

terraform {
  required_providers {
    acme = {
      source = "registry.terraform.io/acme-tf/acme"
    }
  }
}

variable "server_url" {
  description = "The ACME directory URL."
  type        = string
}

variable "domain" {
  description = "The name to certify (its wildcard is added as a SAN)."
  type        = string
}

variable "nsupdate_server" {
  description = "The authoritative DNS server that takes RFC 2136 updates (host or host:port)."
  type        = string
}

variable "tsig_key_file" {
  description = "The TSIG key file for nsupdate -k."
  type        = string
}

variable "recursive_nameservers" {
  description = "Resolvers (IP or IP:port) for the propagation checks; empty for the system's."
  type        = list(string)
  default     = []
}

provider "acme" {
  server_url = var.server_url
}

resource "acme_registration" "account" {
  email_address = "hostmaster@${var.domain}"
}

resource "acme_certificate" "certificate" {
  account_key_pem           = acme_registration.account.account_key_pem
  common_name               = var.domain
  subject_alternative_names = ["*.${var.domain}"]
  key_type                  = "P256"
  recursive_nameservers     = var.recursive_nameservers

  dns_challenge {
    provider = "exec"
    config = {
      EXEC_PATH             = "${path.module}/nsupdate.sh"
      EXEC_POLLING_INTERVAL = "1"
      NSUPDATE_SERVER       = var.nsupdate_server
      NSUPDATE_KEY_FILE     = var.tsig_key_file
    }
  }
}

output "certificate_pem" {
  value = acme_certificate.certificate.certificate_pem
}

output "issuer_pem" {
  value = acme_certificate.certificate.issuer_pem
}

output "certificate_not_after" {
  value = acme_certificate.certificate.certificate_not_after
}
