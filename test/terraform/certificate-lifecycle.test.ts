// acme_certificate after creation, through the real terraform CLI and Pebble: renewal
// decided at plan time (an in-place update keeping the key), PKCS#12 password changes,
// replacement when names change (the old certificate revoked), revocation on destroy.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { certStatus } from "../lab/index.js";
import {
  ACCOUNT,
  certificate,
  certificateValues,
  environment,
  execChallenge,
  nsupdateConfig,
  openssl,
  publicKeyDigest,
  removeScratch,
  removeWorkspaces,
  scratch,
  serialHex,
  subjectAltNames,
  uniqueName,
  workspace,
  type Values,
} from "./fixtures/stack.js";
import { providerBlock, type TerraformWorkspace } from "./workspace.js";

afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

const status = async (values: Values) => (await certStatus(environment.managementUrl, serialHex(values), environment.caCertPath)).Status;
const CERTIFICATE_REASON_CESSATION_OF_OPERATION = 5;

/** Replace main.tf (the provider block is kept). */
function configure(ws: TerraformWorkspace, config: string): void {
  ws.write("main.tf", providerBlock(environment.acmeDirectory) + config);
}

async function p12Opens(values: Values, password: string): Promise<boolean> {
  const files = scratch({ "cert.p12": Buffer.from(values.certificate_p12 as string, "base64") });
  return openssl(["pkcs12", "-in", files["cert.p12"]!, "-passin", `pass:${password}`, "-nokeys"]).then(
    () => true,
    () => false,
  );
}

/** The planned action of acme_certificate.<resource>, from `terraform plan` output. */
function plannedAction(planOutput: string, resource = "cert"): string | undefined {
  return new RegExp(`# acme_certificate\\.${resource} (will be updated in-place|must be replaced|will be created|will be destroyed)`).exec(planOutput)?.[1];
}

test.concurrent("min_days_remaining beyond the certificate's lifetime renews in place with the same key or CSR; a new p12 password does not reissue", async () => {
  const name = uniqueName("renew");
  const csrName = uniqueName("renew-csr");
  const csrPem = await openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", `/CN=${csrName}`, "-addext", `subjectAltName=DNS:${csrName}`]);
  const cert = (extra: string, csrExtra = "", challenge = execChallenge()) =>
    ACCOUNT +
    certificate("cert", `  common_name = "${name}"\n  key_type = "P256"\n${extra}`, challenge) +
    certificate("csr", `  certificate_request_pem = file("\${path.module}/csr.pem")\n${csrExtra}`, challenge);
  const ws = workspace(cert(`  certificate_p12_password = "one"`)).write("csr.pem", csrPem);
  await ws.init();
  await ws.apply();
  const first = await certificateValues(ws);
  const firstCsr = await certificateValues(ws, "csr");

  // Pebble's certificates last 5 years: 2000 days remaining are never there.
  configure(ws, cert(`  certificate_p12_password = "one"\n  min_days_remaining = 2000`, "  min_days_remaining = 2000"));
  const plan = await ws.plan();
  expect(plan.exitCode).toBe(2);
  expect(plannedAction(plan.stdout)).toBe("will be updated in-place");
  expect(plannedAction(plan.stdout, "csr")).toBe("will be updated in-place");
  expect(plan.stdout).toMatch(/certificate_serial\s+=.*\(known after apply\)/);
  expect(plan.stdout).toMatch(/Plan: 0 to add, 2 to change, 0 to destroy/);
  await ws.apply();
  const renewedCsr = await certificateValues(ws, "csr");
  expect(renewedCsr.certificate_serial).not.toBe(firstCsr.certificate_serial);
  expect(renewedCsr.private_key_pem).toBe("");
  expect(await publicKeyDigest(renewedCsr.certificate_pem as string, "x509")).toBe(await publicKeyDigest(csrPem, "req"));
  expect(await subjectAltNames(renewedCsr.certificate_pem as string)).toEqual([csrName]);
  const renewed = await certificateValues(ws);
  expect(renewed.certificate_serial).not.toBe(first.certificate_serial);
  expect(renewed.certificate_url).not.toBe(first.certificate_url);
  expect(renewed.private_key_pem).toBe(first.private_key_pem);
  expect(await publicKeyDigest(renewed.certificate_pem as string, "x509")).toBe(await publicKeyDigest(first.certificate_pem as string, "x509"));
  expect(await subjectAltNames(renewed.certificate_pem as string)).toEqual([name]);
  expect(await p12Opens(renewed, "one")).toBe(true);
  expect(await status(renewed)).toBe("Valid");

  // Back to the default, a new PKCS#12 password and other dns_challenge settings: only
  // certificate_p12 changes, nothing is reissued.
  configure(ws, cert(`  certificate_p12_password = "two"`, "", execChallenge(nsupdateConfig({ EXEC_POLLING_INTERVAL: "2" }))));
  const passwordPlan = await ws.plan();
  expect(passwordPlan.exitCode).toBe(2);
  expect(plannedAction(passwordPlan.stdout)).toBe("will be updated in-place");
  expect(plannedAction(passwordPlan.stdout, "csr")).toBe("will be updated in-place");
  expect(passwordPlan.stdout).not.toMatch(/certificate_serial\s+=.*\(known after apply\)/);
  await ws.apply();
  const repackaged = await certificateValues(ws);
  expect(repackaged.certificate_serial).toBe(renewed.certificate_serial);
  expect(repackaged.certificate_pem).toBe(renewed.certificate_pem);
  expect(repackaged.certificate_p12).not.toBe(renewed.certificate_p12);
  expect(await p12Opens(repackaged, "two")).toBe(true);
  expect(await p12Opens(repackaged, "one")).toBe(false);
  expect((await certificateValues(ws, "csr")).certificate_serial).toBe(renewedCsr.certificate_serial);

  expect((await ws.plan()).exitCode).toBe(0);
});

test.concurrent("min_days_remaining = -1 never renews, even an expired certificate; a positive value then renews it", async () => {
  const name = uniqueName("never");
  const cert = (minDays: number) => ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"\n  min_days_remaining = ${minDays}`);
  const ws = workspace(cert(-1));
  await ws.init();
  await ws.apply();
  const first = await certificateValues(ws);

  // Make the stored certificate look expired, as it will be one day.
  const state = JSON.parse((await ws.ok(["state", "pull"])).stdout) as {
    serial: number;
    resources: { type: string; instances: { attributes: Record<string, unknown> }[] }[];
  };
  state.serial += 1;
  state.resources.find((resource) => resource.type === "acme_certificate")!.instances[0]!.attributes.certificate_not_after = "2001-01-01T00:00:00Z";
  ws.write("expired.tfstate", JSON.stringify(state));
  await ws.ok(["state", "push", join(ws.dir, "expired.tfstate")]);

  const never = await ws.plan();
  expect(never.stdout).toMatch(/No changes/);
  expect(never.exitCode).toBe(0);

  configure(ws, cert(30));
  const due = await ws.plan();
  expect(due.exitCode).toBe(2);
  expect(plannedAction(due.stdout)).toBe("will be updated in-place");
  expect(due.stdout).toMatch(/certificate_serial\s+=.*\(known after apply\)/);
  await ws.apply();
  const renewed = await certificateValues(ws);
  expect(renewed.certificate_serial).not.toBe(first.certificate_serial);
  expect(renewed.private_key_pem).toBe(first.private_key_pem);
  expect(Date.parse(renewed.certificate_not_after as string)).toBeGreaterThan(Date.now());
  expect((await ws.plan()).exitCode).toBe(0);
});

test.concurrent("changing the SANs or the common name replaces the certificate and revokes the old one; destroy revokes", async () => {
  const name = uniqueName("replace");
  const other = uniqueName("renamed");
  const cert = (commonName: string, san: string) =>
    ACCOUNT +
    certificate(
      "cert",
      `  common_name = "${commonName}"\n  subject_alternative_names = ["${san}"]\n  key_type = "P256"\n  revoke_certificate_reason = "cessation-of-operation"`,
    );
  const ws = workspace(cert(name, `a.${name}`));
  await ws.init();
  await ws.apply();
  const first = await certificateValues(ws);
  expect(await status(first)).toBe("Valid");

  configure(ws, cert(name, `b.${name}`));
  const sanPlan = await ws.plan();
  expect(sanPlan.exitCode).toBe(2);
  expect(plannedAction(sanPlan.stdout)).toBe("must be replaced");
  expect(sanPlan.stdout).toMatch(/subject_alternative_names.*# forces replacement/s);
  await ws.apply();
  const second = await certificateValues(ws);
  expect(second.certificate_serial).not.toBe(first.certificate_serial);
  expect(second.private_key_pem).not.toBe(first.private_key_pem);
  expect(await subjectAltNames(second.certificate_pem as string)).toEqual([name, `b.${name}`].sort());
  const revoked = await certStatus(environment.managementUrl, serialHex(first), environment.caCertPath);
  expect(revoked.Status).toBe("Revoked");
  expect(revoked.Reason).toBe(CERTIFICATE_REASON_CESSATION_OF_OPERATION);
  expect(await status(second)).toBe("Valid");

  configure(ws, cert(other, `b.${name}`));
  const namePlan = await ws.plan();
  expect(plannedAction(namePlan.stdout)).toBe("must be replaced");
  await ws.apply();
  const third = await certificateValues(ws);
  expect(third.certificate_domain).toBe(other);
  expect(await subjectAltNames(third.certificate_pem as string)).toEqual([other, `b.${name}`].sort());
  expect(await status(second)).toBe("Revoked");
  expect(await status(third)).toBe("Valid");

  await ws.destroy();
  expect(await status(third)).toBe("Revoked");
});

test.concurrent("revoke_certificate_on_destroy = false leaves replaced and destroyed certificates valid", async () => {
  const name = uniqueName("keep");
  const cert = (commonName: string) =>
    ACCOUNT + certificate("cert", `  common_name = "${commonName}"\n  key_type = "P256"\n  revoke_certificate_on_destroy = false`);
  const ws = workspace(cert(name));
  await ws.init();
  await ws.apply();
  const first = await certificateValues(ws);
  configure(ws, cert(`www.${name}`));
  await ws.apply();
  const second = await certificateValues(ws);
  expect(second.certificate_serial).not.toBe(first.certificate_serial);
  expect(await status(first)).toBe("Valid");
  await ws.destroy();
  expect(await status(second)).toBe("Valid");
  // Nothing of the certificate is left in the workspace's state.
  expect(readFileSync(join(ws.dir, "terraform.tfstate"), "utf8")).not.toContain(second.certificate_serial as string);
});
