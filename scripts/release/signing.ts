// The detached signature of the SHA256SUMS file, made by gpg with the key named by its
// fingerprint (GPG_FINGERPRINT), as goreleaser does for HashiCorp's provider scaffolding.
// Binary (not armored), and only with an RSA key: older Terraform releases cannot verify others.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SigningKey {
  fingerprint: string;
  /** The last 16 hex digits of the fingerprint, as the registry protocol's key_id. */
  keyId: string;
  asciiArmor: string;
}

async function gpg(args: string[]): Promise<string> {
  try {
    return (await run("gpg", ["--batch", "--no-tty", ...args], { maxBuffer: 16 << 20 })).stdout;
  } catch (cause) {
    const detail = cause instanceof Error && "stderr" in cause ? String(cause.stderr).trim() : String(cause);
    throw new Error(`gpg ${args[0]} failed: ${detail}`);
  }
}

export async function signingKey(fingerprint: string): Promise<SigningKey> {
  const normalized = fingerprint.replace(/\s+/g, "").toUpperCase();
  if (!/^[0-9A-F]{40}$/.test(normalized)) {
    throw new Error(`GPG_FINGERPRINT must be a key's full 40-hex-digit fingerprint (see \`gpg --list-secret-keys --with-colons\`); got "${fingerprint}"`);
  }
  const listing = await gpg(["--with-colons", "--list-secret-keys", normalized]).catch(() => {
    throw new Error(`GPG_FINGERPRINT ${normalized}: gpg has no secret key with this fingerprint, so it cannot sign the release`);
  });
  // sec:u:3072:1:...: field 4 is the public-key algorithm, 1 = RSA.
  const algorithm = listing.split("\n").find((line) => line.startsWith("sec:"))?.split(":")[3];
  if (algorithm !== "1") {
    throw new Error(`GPG_FINGERPRINT ${normalized} is not an RSA key (gpg algorithm ${algorithm}): older Terraform releases cannot verify other key types; make one with \`gpg --quick-generate-key NAME rsa4096 sign\``);
  }
  const asciiArmor = await gpg(["--armor", "--export", normalized]);
  return { fingerprint: normalized, keyId: normalized.slice(-16), asciiArmor };
}

/** Writes `file`.sig: a binary detached signature. */
export async function signDetached(key: SigningKey, file: string, signature: string): Promise<void> {
  await gpg(["--yes", "--local-user", key.fingerprint, "--output", signature, "--detach-sign", file]);
}
