// acme_dns_registration: an account on an acme-dns server, for DnsChallenge.acmeDns. One
// stack can register it, create the `_acme-challenge` CNAME with any DNS resource
// (`cnameName` -> `fulldomain`) and issue the certificate with `credentialsJson`.
import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import type { Construct } from "constructs";
import { acmeGeneratorMetadata, metaArguments } from "./element.js";
import { synthesizeHcl, synthesizeJson, type ElementSpec } from "./spec.js";
import { addSynthChecks } from "./synth-checks.js";

export interface AcmeDnsRegistrationConfig extends TerraformMetaArguments {
  /** The acme-dns server's API base URL, e.g. `https://auth.example.com`. */
  readonly serverUrl: string;
  /** The networks (CIDR) allowed to update the account's TXT record. Unset: any address. */
  readonly allowfrom?: string[];
  /** The domain whose challenges the account answers, e.g. `example.com` (for `cnameName` and `credentialsJson`). */
  readonly domain?: string;
}

const ARGUMENTS = {
  serverUrl: { name: "server_url", kind: "string", required: true },
  allowfrom: { name: "allowfrom", kind: "stringList" },
  domain: { name: "domain", kind: "string" },
} satisfies ElementSpec["arguments"];

export class AcmeDnsRegistration extends TerraformResource {
  static readonly tfResourceType = "acme_dns_registration";
  static readonly spec: ElementSpec = {
    typeName: "acme_dns_registration",
    kind: "resource",
    arguments: ARGUMENTS,
    blocks: {},
    // Every argument can be read back, plus what only the provider computes.
    attributes: {
      ...ARGUMENTS,
      id: { name: "id", kind: "string" },
      username: { name: "username", kind: "string" },
      password: { name: "password", kind: "string" },
      fulldomain: { name: "fulldomain", kind: "string" },
      subdomain: { name: "subdomain", kind: "string" },
      cnameName: { name: "cname_name", kind: "string" },
      credentialsJson: { name: "credentials_json", kind: "string" },
    },
  };

  private readonly config: AcmeDnsRegistrationConfig;

  constructor(scope: Construct, id: string, config: AcmeDnsRegistrationConfig) {
    super(scope, id, { terraformResourceType: AcmeDnsRegistration.tfResourceType, terraformGeneratorMetadata: acmeGeneratorMetadata(), ...metaArguments(config) });
    this.config = { ...config };
    addSynthChecks(this, AcmeDnsRegistration.spec, () => this.config);
  }

  /** The account's subdomain. */
  get id(): string {
    return this.getStringAttribute("id");
  }
  get serverUrl(): string {
    return this.getStringAttribute("server_url");
  }
  get allowfrom(): string[] {
    return this.getListAttribute("allowfrom");
  }
  get domain(): string {
    return this.getStringAttribute("domain");
  }
  /** The account's username (`X-Api-User`). */
  get username(): string {
    return this.getStringAttribute("username");
  }
  /** The account's password (`X-Api-Key`, sensitive). */
  get password(): string {
    return this.getStringAttribute("password");
  }
  /** The name that holds the account's TXT record: the target of the CNAME. */
  get fulldomain(): string {
    return this.getStringAttribute("fulldomain");
  }
  /** The account's subdomain on the acme-dns server. */
  get subdomain(): string {
    return this.getStringAttribute("subdomain");
  }
  /** `_acme-challenge.<domain>`: the name of the CNAME to create. */
  get cnameName(): string {
    return this.getStringAttribute("cname_name");
  }
  /** The credentials JSON keyed by `domain` (sensitive), for `DnsChallenge.acmeDns({ credentials })`. */
  get credentialsJson(): string {
    return this.getStringAttribute("credentials_json");
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(AcmeDnsRegistration.spec, this.config as unknown as Record<string, unknown>);
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(AcmeDnsRegistration.spec, this.config as unknown as Record<string, unknown>);
  }
}
