import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { choosePreferredChain, topIssuerCommonName } from "../../src/acme/chains.js";

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

/** A certificate named `subject`, signed by `issuer` (self-signed when absent). */
async function certificate(subject: string, issuer?: { name: string; keys: webcrypto.CryptoKeyPair }) {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject: `CN=${subject}`,
      issuer: `CN=${issuer?.name ?? subject}`,
      publicKey: keys.publicKey as never,
      signingKey: (issuer?.keys ?? keys).privateKey as never,
      signingAlgorithm: algorithm,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      serialNumber: "01",
    },
    webcrypto as never,
  );
  return { name: subject, keys, pem: cert.toString("pem") + "\n" };
}

test("the chain whose top certificate's issuer matches is chosen, else the default", async () => {
  const rootA = await certificate("Root A");
  const rootB = await certificate("Root B");
  const intermediateA = await certificate("Intermediate", rootA);
  const intermediateB = await certificate("Intermediate", rootB);
  const leaf = await certificate("leaf.example.test", intermediateA);
  const chains = [
    { url: "https://ca/cert/1", pem: leaf.pem + intermediateA.pem },
    { url: "https://ca/cert/1/alt", pem: leaf.pem + intermediateB.pem },
  ];
  expect(topIssuerCommonName(chains[1]!.pem)).toBe("Root B");
  expect(choosePreferredChain(chains, "Root B").url).toBe("https://ca/cert/1/alt");
  expect(choosePreferredChain(chains, "Root A").url).toBe("https://ca/cert/1");
  // Only the top issuer counts, as in lego: an intermediate's name does not match.
  expect(choosePreferredChain(chains, "Intermediate").url).toBe("https://ca/cert/1");
  expect(choosePreferredChain(chains, "Unknown Root").url).toBe("https://ca/cert/1");
});
