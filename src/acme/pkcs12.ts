// certificate_p12: key + leaf + chain as a PKCS#12 file (RFC 7292), base64, in the form
// the reference writes (go-pkcs12's Modern2023 encoder): certificates and key encrypted
// with PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC), MAC HMAC-SHA-256, 2048 iterations,
// the leaf and key tied together by a localKeyId (SHA-1 of the leaf). OpenSSL 3,
// Windows 10+ and Java 12+ read this; an empty password is a valid password.

import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { splitPemChain } from "./certificate-info.js";
import { explicit, implicitPrimitive, integer, memoized, nullValue, octetString, oid, sequence, setOf } from "../shared/index.js";
import { AcmeError } from "./errors.js";
import { parsePrivateKeyPem } from "./keys.js";

const OID = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  localKeyId: "1.2.840.113549.1.9.21",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSha256: "1.2.840.113549.2.9",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
  sha256: "2.16.840.1.101.3.4.2.1",
};
const ITERATIONS = 2048;
const SALT_BYTES = 16;

/**
 * The keys derived from a password, with the salts they were derived with. Three
 * 2048-iteration derivations cost ~10 ms of CPU per certificate, most of the file's cost,
 * and one apply builds a file for every certificate, nearly always with the same password
 * (""). So a process derives them once per password, from salts of its own, and each file
 * is still encrypted with fresh IVs. Sharing a salt among files that share the password
 * gives an attacker nothing: the password opens all of them in either case.
 */
interface DerivedKeys {
  encryptionSalt: Buffer;
  encryptionKey: Buffer;
  macSalt: Buffer;
  macKey: Buffer;
}
const PASSWORDS_KEPT = 8;

const keysFor = memoized(PASSWORDS_KEPT, (password: string): DerivedKeys => {
  const encryptionSalt = randomBytes(SALT_BYTES);
  const macSalt = randomBytes(SALT_BYTES);
  return {
    encryptionSalt,
    encryptionKey: pbkdf2Sync(Buffer.from(password, "utf8"), encryptionSalt, ITERATIONS, 32, "sha256"),
    macSalt,
    macKey: pkcs12Kdf(password, macSalt, 3, ITERATIONS, 32),
  };
});

export interface P12Input {
  privateKeyPem: string;
  /** The leaf (the first certificate is used). */
  certificatePem: string;
  /** The rest of the chain; may be empty. */
  issuerPem: string;
  password: string;
}

/** The base64 (standard alphabet, as Go's base64.StdEncoding) of the PKCS#12 file. */
export async function certificateToP12(input: P12Input): Promise<string> {
  return encodeP12(input).toString("base64");
}

export function encodeP12(input: P12Input): Buffer {
  const [leaf] = splitPemChain(input.certificatePem);
  if (!leaf) throw new AcmeError("cannot build certificate_p12: the certificate is not PEM");
  const chain = splitPemChain(input.issuerPem);
  const keyDer = parsePrivateKeyPem(input.privateKeyPem).key.export({ type: "pkcs8", format: "der" });
  const localKeyId = setOf(sequence(oid(OID.localKeyId), setOf(octetString(createHash("sha1").update(leaf).digest()))));

  const certBag = (der: Buffer, attributes?: Buffer) =>
    sequence(oid(OID.certBag), explicit(0, sequence(oid(OID.x509Certificate), explicit(0, octetString(der)))), ...(attributes ? [attributes] : []));
  const certificates = sequence(certBag(leaf, localKeyId), ...chain.map((der) => certBag(der)));
  const keys = keysFor(input.password);
  const [certAlgorithm, encryptedCertificates] = pbes2Encrypt(certificates, keys);
  const certificatesInfo = sequence(
    oid(OID.encryptedData),
    explicit(0, sequence(integer(0), sequence(oid(OID.data), certAlgorithm, implicitPrimitive(0, encryptedCertificates)))),
  );

  const [keyAlgorithm, encryptedKey] = pbes2Encrypt(keyDer, keys);
  const keyBag = sequence(oid(OID.pkcs8ShroudedKeyBag), explicit(0, sequence(keyAlgorithm, octetString(encryptedKey))), localKeyId);
  const keyInfo = sequence(oid(OID.data), explicit(0, octetString(sequence(keyBag))));

  const authenticatedSafe = sequence(certificatesInfo, keyInfo);
  const mac = createHmac("sha256", keys.macKey).update(authenticatedSafe).digest();
  return sequence(
    integer(3),
    sequence(oid(OID.data), explicit(0, octetString(authenticatedSafe))),
    sequence(sequence(sequence(oid(OID.sha256), nullValue()), octetString(mac)), octetString(keys.macSalt), integer(ITERATIONS)),
  );
}

/** PBES2 with PBKDF2-HMAC-SHA-256 and AES-256-CBC; the password as UTF-8 (RFC 8018). */
function pbes2Encrypt(plaintext: Buffer, keys: DerivedKeys): [algorithm: Buffer, ciphertext: Buffer] {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", keys.encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const algorithm = sequence(
    oid(OID.pbes2),
    sequence(
      sequence(oid(OID.pbkdf2), sequence(octetString(keys.encryptionSalt), integer(ITERATIONS), sequence(oid(OID.hmacWithSha256), nullValue()))),
      sequence(oid(OID.aes256Cbc), octetString(iv)),
    ),
  );
  return [algorithm, ciphertext];
}

/**
 * RFC 7292 appendix B.2 key derivation with SHA-256 (u = 32, v = 64). The password is a
 * BMPString (UTF-16BE) with a terminating NUL, so even "" is two zero bytes.
 */
export function pkcs12Kdf(password: string, salt: Buffer, id: number, iterations: number, length: number): Buffer {
  const u = 32;
  const v = 64;
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
  const fill = (source: Buffer) => {
    if (source.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(bmp)]);
  const output: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let A = createHash("sha256").update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash("sha256").update(A).digest();
    output.push(A);
    const B = fill(A);
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(output).subarray(0, length);
}
