# A certificate for a name and its wildcard through an acme-dns server, in ONE apply:
# register an account on the acme-dns server (acme_dns_registration), delegate the
# name's challenges to it with the `_acme-challenge` CNAME, then issue the certificate.
#
# The CNAME is created here with nsupdate (RFC 2136), which is what the test lab's DNS
# server takes. With a DNS service that has a Terraform provider, use its record resource
# instead, for example:
#
#   resource "aws_route53_record" "acme_challenge" {
#     zone_id = var.zone_id
#     name    = acme_dns_registration.account.cname_name
#     type    = "CNAME"
#     ttl     = 300
#     records = [acme_dns_registration.account.fulldomain]
#   }

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

variable "acme_dns_url" {
  description = "The acme-dns server's API base URL, e.g. https://auth.example.com."
  type        = string
}

variable "acme_dns_allowfrom" {
  description = "Networks (CIDR) allowed to update the account's TXT record: where Terraform runs."
  type        = list(string)
  default     = ["127.0.0.0/8"]
}

variable "domain" {
  description = "The name to certify (its wildcard is added as a SAN)."
  type        = string
}

variable "nsupdate_server" {
  description = "The authoritative DNS server of the domain's zone, taking RFC 2136 updates."
  type        = string
}

variable "nsupdate_zone" {
  description = "The zone holding the domain."
  type        = string
}

variable "tsig_key_file" {
  description = "The TSIG key file for nsupdate -k."
  type        = string
}

variable "recursive_nameservers" {
  description = "Resolvers (IP or IP:port) for the CNAME and propagation checks; empty for the system's."
  type        = list(string)
  default     = []
}

provider "acme" {
  server_url = var.server_url
}

resource "acme_registration" "account" {
  email_address = "hostmaster@${var.domain}"
}

# The acme-dns account answering the domain's (and its wildcard's) challenges.
resource "acme_dns_registration" "account" {
  server_url = var.acme_dns_url
  domain     = var.domain
  allowfrom  = var.acme_dns_allowfrom
}

# _acme-challenge.<domain> CNAME <fulldomain>, created and removed with nsupdate.
resource "terraform_data" "acme_challenge_cname" {
  input = {
    name   = acme_dns_registration.account.cname_name
    target = acme_dns_registration.account.fulldomain
    server = var.nsupdate_server
    zone   = var.nsupdate_zone
    key    = var.tsig_key_file
  }

  provisioner "local-exec" {
    command = "printf 'server %s\\nzone %s.\\nupdate add %s. 60 CNAME %s.\\nsend\\n' \"$SERVER\" \"$ZONE\" \"$NAME\" \"$TARGET\" | nsupdate -k \"$KEY\""
    environment = {
      SERVER = self.output.server
      ZONE   = self.output.zone
      NAME   = self.output.name
      TARGET = self.output.target
      KEY    = self.output.key
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "printf 'server %s\\nzone %s.\\nupdate delete %s. CNAME\\nsend\\n' \"$SERVER\" \"$ZONE\" \"$NAME\" | nsupdate -k \"$KEY\""
    environment = {
      SERVER = self.output.server
      ZONE   = self.output.zone
      NAME   = self.output.name
      KEY    = self.output.key
    }
  }
}

resource "acme_certificate" "certificate" {
  account_key_pem           = acme_registration.account.account_key_pem
  common_name               = var.domain
  subject_alternative_names = ["*.${var.domain}"]
  key_type                  = "P256"
  recursive_nameservers     = var.recursive_nameservers

  dns_challenge {
    provider = "acme-dns"
    config = {
      ACME_DNS_API_BASE         = acme_dns_registration.account.server_url
      ACME_DNS_STORAGE_JSON     = acme_dns_registration.account.credentials_json
      ACME_DNS_POLLING_INTERVAL = "1"
    }
  }

  # The CA must find the CNAME when it validates.
  depends_on = [terraform_data.acme_challenge_cname]
}

output "cname_record" {
  description = "The delegation record, in zone-file form."
  value       = "${acme_dns_registration.account.cname_name}. CNAME ${acme_dns_registration.account.fulldomain}."
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
