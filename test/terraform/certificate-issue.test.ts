// acme_certificate issuance through the real terraform CLI, the installed provider, Pebble,
// bind9 (RFC 2136 updates by an exec program running nsupdate) and unbound: names, CSRs,
// key types and every computed attribute, checked with openssl as a user would.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { certStatus, fetchPebbleRoots, startPebble, type PebbleRoots } from "../lab/index.js";
import {
  ACCOUNT,
  certificate,
  certificateValues,
  challengeTxt,
  environment,
  openssl,
  opensslSerialHex,
  publicKeyDigest,
  removeScratch,
  once,
  removeWorkspaces,
  scratch,
  serialHex,
  subjectAltNames,
  uniqueName,
  workspace,
  type Values,
} from "./fixtures/stack.js";
import type { TerraformWorkspace } from "./workspace.js";

afterAll(() => {
  removeWorkspaces();
  removeScratch();
});

const BEGIN_CERTIFICATE = /-----BEGIN CERTIFICATE-----/g;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `openssl verify` of the leaf with the chain as untrusted intermediates, against `root`. */
async function verify(values: Values, root: string): Promise<string> {
  const files = scratch({ "cert.pem": values.certificate_pem as string, "chain.pem": values.issuer_pem as string, "root.pem": root });
  return openssl(["verify", "-CAfile", files["root.pem"]!, "-untrusted", files["chain.pem"]!, files["cert.pem"]!]);
}

/** The certificates of certificate_p12, opened with openssl and `password`. */
async function p12Certificates(values: Values, password: string): Promise<string> {
  const files = scratch({ "cert.p12": Buffer.from(values.certificate_p12 as string, "base64") });
  return openssl(["pkcs12", "-in", files["cert.p12"]!, "-passin", `pass:${password}`, "-nokeys"]);
}

/** openssl's notBefore/notAfter of a certificate as RFC 3339 (UTC, whole seconds). */
async function opensslDates(pem: string): Promise<{ notBefore: string; notAfter: string }> {
  const text = await openssl(["x509", "-noout", "-startdate", "-enddate"], pem);
  const field = (name: string) => new Date(new RegExp(`${name}=(.*)`).exec(text)![1]!).toISOString().replace(/\.000Z$/, "Z");
  return { notBefore: field("notBefore"), notAfter: field("notAfter") };
}

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

// The slow, independent scenarios first: concurrent tests start in the order they are
// written, at most maxConcurrency (5) at a time.
test.concurrent("key_type 8192", async () => {
  const name = uniqueName("rsa8192");
  const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "8192"`));
  await ws.init();
  await ws.apply();
  const cert = await certificateValues(ws);
  expect(createPrivateKey(cert.private_key_pem as string).asymmetricKeyDetails?.modulusLength).toBe(8192);
  expect(await publicKeyDigest(cert.certificate_pem as string, "x509")).toBe(await publicKeyDigest(cert.private_key_pem as string, "key"));
  expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([name]);
}, 300_000);

test.concurrent("two certificates of one stack for the same name are both issued", async () => {
  // Two orders answer the same TXT name at the same time, with different values.
  const name = uniqueName("shared");
  const ws = workspace(
    ACCOUNT + certificate("first", `  common_name = "${name}"\n  key_type = "P256"`) + certificate("second", `  common_name = "${name}"\n  key_type = "P256"`),
  );
  await ws.init();
  await ws.apply();
  const roots = await fetchPebbleRoots(environment.managementUrl, environment.caCertPath);
  const [first, second] = [await certificateValues(ws, "first"), await certificateValues(ws, "second")];
  expect(first.certificate_serial).not.toBe(second.certificate_serial);
  for (const cert of [first, second]) {
    expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([name]);
    expect(await verify(cert, roots.root)).toMatch(/cert\.pem: OK/);
  }
  expect(await challengeTxt(name)).toEqual([]);
});

test.concurrent("a badNonce storm (Pebble rejects 50% of nonces): apply registers and issues anyway; destroy revokes", async () => {
  const pebble = await startPebble(environment, { nonceReject: 50 });
  try {
    const name = uniqueName("nonce");
    const ws = workspace(ACCOUNT + certificate("cert", `  common_name = "${name}"\n  subject_alternative_names = ["*.${name}"]\n  key_type = "P256"`), {
      serverUrl: pebble.acmeDirectory,
    });
    await ws.init();
    await ws.apply();
    const cert = await certificateValues(ws);
    const roots = await fetchPebbleRoots(pebble.managementUrl, environment.caCertPath);
    expect(await verify(cert, roots.root)).toMatch(/cert\.pem: OK/);
    expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([`*.${name}`, name].sort());
    expect((await ws.plan()).exitCode).toBe(0);
    await ws.destroy();
    expect((await certStatus(pebble.managementUrl, serialHex(cert), environment.caCertPath)).Status).toBe("Revoked");
  } finally {
    await pebble.stop();
  }
});

describe("one stack: single name, apex + wildcard, several SANs, a CSR, each key type", () => {
  const single = uniqueName("single");
  const apex = uniqueName("apex");
  const multi = uniqueName("multi");
  const csrName = uniqueName("csr");
  const rsa = uniqueName("rsa4096");
  const p12Password = "p12-pass word";
  let ws: TerraformWorkspace;
  let roots: PebbleRoots;
  let csrPem: string;
  const values: Record<string, Values> = {};

  // Shared by the concurrent tests below: applied once, by whichever test comes first.
  const stack = once(async () => {
    csrPem = await openssl([
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", "/dev/null",
      "-subj", `/CN=${csrName}`, "-addext", `subjectAltName=DNS:${csrName},DNS:www.${csrName}`,
    ]);
    ws = workspace(
      ACCOUNT +
        certificate("single", `  common_name = "${single}"\n  key_type = "P256"\n  certificate_p12_password = "${p12Password}"`) +
        certificate("apex", `  common_name = "${apex}"\n  subject_alternative_names = ["*.${apex}"]\n  key_type = "P384"`) +
        certificate("multi", `  common_name = "${multi}"\n  subject_alternative_names = ["a.${multi}", "b.${multi}", "${multi}", "c.${multi}"]`) +
        certificate("csr", `  certificate_request_pem = file("\${path.module}/csr.pem")`) +
        certificate("rsa", `  common_name = "${rsa}"\n  key_type = "4096"`),
    ).write("csr.pem", csrPem);
    await ws.init();
    await ws.apply();
    for (const name of ["single", "apex", "multi", "csr", "rsa"]) values[name] = await certificateValues(ws, name);
    roots = await fetchPebbleRoots(environment.managementUrl, environment.caCertPath);
  });

  test.concurrent("a single name: the leaf names it and chains to Pebble's root", async () => {
    await stack();
    const cert = values.single!;
    expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([single]);
    expect(cert.certificate_domain).toBe(single);
    expect(await verify(cert, roots.root)).toMatch(/cert\.pem: OK/);
    expect(await publicKeyDigest(cert.certificate_pem as string, "x509")).toBe(await publicKeyDigest(cert.private_key_pem as string, "key"));
  });

  test.concurrent("apex + wildcard: both SANs, verified against the root; no TXT record left behind", async () => {
    await stack();
    const cert = values.apex!;
    expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([`*.${apex}`, apex].sort());
    expect(cert.certificate_domain).toBe(apex);
    expect(await verify(cert, roots.root)).toMatch(/cert\.pem: OK/);
    expect(await challengeTxt(apex)).toEqual([]);
  });

  test.concurrent("several SANs: every name in the certificate, the common name once", async () => {
    await stack();
    const cert = values.multi!;
    expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([multi, `a.${multi}`, `b.${multi}`, `c.${multi}`].sort());
    expect(cert.certificate_domain).toBe(multi);
    expect(await verify(cert, roots.root)).toMatch(/cert\.pem: OK/);
    for (const name of [multi, `a.${multi}`, `b.${multi}`, `c.${multi}`]) expect(await challengeTxt(name)).toEqual([]);
  });

  test.concurrent("a CSR: its names and key, no private key, no PKCS#12", async () => {
    await stack();
    const cert = values.csr!;
    expect(await subjectAltNames(cert.certificate_pem as string)).toEqual([csrName, `www.${csrName}`].sort());
    expect(cert.certificate_domain).toBe(csrName);
    expect(cert.private_key_pem).toBe("");
    expect(cert.certificate_p12).toBe("");
    expect(await publicKeyDigest(cert.certificate_pem as string, "x509")).toBe(await publicKeyDigest(csrPem, "req"));
    expect(await verify(cert, roots.root)).toMatch(/cert\.pem: OK/);
  });

  test.concurrent("each key type gives that key, and the certificate is for it", async () => {
    await stack();
    const keyOf = (name: string) => createPrivateKey(values[name]!.private_key_pem as string);
    expect(keyOf("single").asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(keyOf("apex").asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    expect(values.multi!.key_type).toBe("2048"); // the default
    expect(keyOf("multi").asymmetricKeyType).toBe("rsa");
    expect(keyOf("multi").asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(keyOf("rsa").asymmetricKeyDetails?.modulusLength).toBe(4096);
    for (const name of ["apex", "multi", "rsa"]) {
      const cert = values[name]!;
      expect(await publicKeyDigest(cert.certificate_pem as string, "x509")).toBe(await publicKeyDigest(cert.private_key_pem as string, "key"));
    }
  });

  test.concurrent("computed attributes: leaf only, chain, serial, dates, URL, domain", async () => {
    await stack();
    const cert = values.single!;
    const leaf = cert.certificate_pem as string;
    expect(leaf.match(BEGIN_CERTIFICATE)).toHaveLength(1);
    expect(new X509Certificate(leaf).ca).toBe(false);
    // The chain: Pebble's intermediate first (the root is not part of the download).
    const chain = cert.issuer_pem as string;
    expect(chain.match(BEGIN_CERTIFICATE)!.length).toBeGreaterThanOrEqual(1);
    expect(fingerprint(chain)).toBe(fingerprint(roots.intermediate));
    expect(new X509Certificate(leaf).checkIssued(new X509Certificate(chain))).toBe(true);
    // certificate_serial is decimal (as the reference stores it); openssl prints hex.
    const hex = await opensslSerialHex(leaf);
    expect(cert.certificate_serial).toMatch(/^\d+$/);
    expect(BigInt(cert.certificate_serial as string)).toBe(BigInt(`0x${hex}`));
    expect(cert.certificate_not_before).toMatch(RFC3339);
    expect(cert.certificate_not_after).toMatch(RFC3339);
    expect({ notBefore: cert.certificate_not_before, notAfter: cert.certificate_not_after }).toEqual(await opensslDates(leaf));
    expect(cert.certificate_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\S+$/);
    // As the reference's acceptance tests check: the id is a random UUID, not the URL.
    expect(cert.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Each certificate has its own serial and URL.
    const serials = new Set(Object.values(values).map((v) => v.certificate_serial));
    expect(serials.size).toBe(5);
  });

  test.concurrent("certificate_p12 opens with certificate_p12_password, or an empty password when unset", async () => {
    await stack();
    const withPassword = await p12Certificates(values.single!, p12Password);
    expect(fingerprint(withPassword)).toBe(fingerprint(values.single!.certificate_pem as string));
    await expect(p12Certificates(values.single!, "wrong")).rejects.toThrow(/mac verify failure|invalid password/i);
    const withoutPassword = await p12Certificates(values.apex!, "");
    expect(fingerprint(withoutPassword)).toBe(fingerprint(values.apex!.certificate_pem as string));
    expect(withoutPassword.match(BEGIN_CERTIFICATE)!.length).toBeGreaterThanOrEqual(2); // leaf and chain
  });

  test.concurrent("a plan after apply has nothing to do", async () => {
    await stack();
    const plan = await ws.plan();
    expect(plan.stdout).toMatch(/No changes/);
    expect(plan.exitCode).toBe(0);
  });
});
