// Protocol 5 with the real terraform CLI. Terraform >= 1.0 offers 5 and 6 and gets 6,
// so the provider is pinned to 5 (ACME_TF_PLUGIN_PROTOCOL) to run the whole lifecycle
// (validate, plan, apply, refresh, destroy) through Terraform's own protocol 5 client.
import { lab } from "../lab/index.js";
import { providerBlock, resourceValues, TerraformWorkspace } from "./workspace.js";

const environment = lab();
const nsupdate = new URL("../../examples/exec/nsupdate.sh", import.meta.url).pathname;

test("registration and a certificate through protocol 5: apply, empty plan, destroy", async () => {
  const name = `p5-${Date.now().toString(36)}.${environment.zone}`;
  const ws = new TerraformWorkspace({ NODE_EXTRA_CA_CERTS: environment.caCertPath, ACME_TF_PLUGIN_PROTOCOL: "5" }).write(
    "main.tf",
    providerBlock(environment.acmeDirectory) +
      `
resource "acme_registration" "account" {}

resource "acme_certificate" "certificate" {
  account_key_pem       = acme_registration.account.account_key_pem
  common_name           = "${name}"
  key_type              = "P256"
  recursive_nameservers = ["${environment.resolver}"]

  dns_challenge {
    provider = "exec"
    config = {
      EXEC_PATH             = "${nsupdate}"
      EXEC_POLLING_INTERVAL = "1"
      NSUPDATE_SERVER       = "${environment.authoritative}"
      NSUPDATE_KEY_FILE     = "${environment.tsigKeyFile}"
    }
  }
}
`,
  );
  try {
    await ws.init();
    const apply = await ws.apply();
    expect(apply.exitCode).toBe(0);
    const logged = await ws.run(["plan", "-detailed-exitcode", "-no-color"], { TF_LOG: "DEBUG" });
    expect(logged.stderr).toMatch(/using plugin: version=5/);
    expect(logged.stderr).not.toMatch(/using plugin: version=6/);
    expect(logged.exitCode).toBe(0);
    const certificate = resourceValues(await ws.state(), "acme_certificate.certificate");
    expect(certificate.certificate_domain).toBe(name);
    expect(String(certificate.certificate_pem)).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await ws.destroy();
    expect((await ws.run(["state", "list"])).stdout.trim()).toBe("");
  } finally {
    ws.remove();
  }
});
