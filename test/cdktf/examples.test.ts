// The example stacks (examples/cdktf/stacks.ts, as a user writes them against the package
// entry point acme-tf/cdktf), synthesized with synth checks and judged by the provider's
// own validation; the tls one is synth-only (the tls provider is not installed here).
import { Testing } from "cdktf";
import { AcmeDnsCertificateStack, ExecCertificateStack, TlsCertificateStack } from "../../examples/cdktf/stacks.js";
import { expectValidForProvider, newApp, type SynthesizedJson } from "./support.js";

const common = {
  serverUrl: "https://acme.example.test/directory",
  nsupdateServer: "192.0.2.53",
  tsigKeyFile: "/etc/bind/tsig.key",
  recursiveNameservers: ["192.0.2.54:53"],
};

test("exec", async () => {
  const stack = new ExecCertificateStack(newApp(), "exec", { ...common, domain: "example.test" });
  const json = JSON.parse(Testing.synth(stack, true)) as SynthesizedJson;
  expect(json.resource!.acme_certificate!.certificate!.dns_challenge).toEqual([
    {
      provider: "exec",
      config: { EXEC_PATH: expect.stringMatching(/^assets\/nsupdate\/[0-9A-F]+\/nsupdate\.sh$/), EXEC_POLLING_INTERVAL: "1", NSUPDATE_SERVER: "192.0.2.53", NSUPDATE_KEY_FILE: "/etc/bind/tsig.key" },
    },
  ]);
  // The asset's path is relative to the stack directory: judged there by terraform validate (deploy.test.ts).
  const withAbsolutePath = structuredClone(json);
  (withAbsolutePath.resource!.acme_certificate!.certificate!.dns_challenge as { config: Record<string, string> }[])[0]!.config.EXEC_PATH = new URL("../../examples/exec/nsupdate.sh", import.meta.url).pathname;
  await expectValidForProvider(withAbsolutePath);
});

test("tls: a PrivateKey as the account key, a CertRequest as the CSR", async () => {
  const stack = new TlsCertificateStack(newApp(), "tls", { ...common, domain: "example.test" });
  const json = JSON.parse(Testing.synth(stack, true)) as SynthesizedJson;
  expect(json.resource!.acme_registration!.account!.account_key_pem).toBe("${tls_private_key.account-key.private_key_pem}");
  expect(json.resource!.acme_certificate!.certificate!.certificate_request_pem).toBe("${tls_cert_request.request.cert_request_pem}");
  await expectValidForProvider(json);
});

test("acme-dns: registration, CNAME and certificate", async () => {
  const stack = new AcmeDnsCertificateStack(newApp(), "acme-dns", {
    ...common,
    acmeDnsUrl: "https://auth.example.test",
    acmeDnsAllowfrom: ["192.0.2.0/24"],
    domain: "www.example.test",
    nsupdateZone: "example.test",
  });
  const json = JSON.parse(Testing.synth(stack, true)) as SynthesizedJson;
  expect(json.resource!.acme_certificate!.certificate!).toMatchObject({
    depends_on: ["terraform_data.acme-challenge-cname"],
    dns_challenge: [{ provider: "acme-dns", config: { ACME_DNS_API_BASE: "${acme_dns_registration.acme-dns.server_url}", ACME_DNS_STORAGE_JSON: "${acme_dns_registration.acme-dns.credentials_json}" } }],
  });
  await expectValidForProvider(json);
});
