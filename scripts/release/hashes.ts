// The two hashes Terraform's lock file records for a provider package:
//   zh: the SHA-256 of the zip, hex;
//   h1: Go's dirhash "Hash1" over the package's files (what the zip unpacks to): the
//       SHA-256 of the lines "<hex sha256 of the file>  <name>\n", sorted by name, base64.
// Written here rather than taken from a library: npm has no implementation of dirhash,
// and it is these few lines.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** h1: of a package whose files are given as name -> path. */
export async function packageHashV1(files: Record<string, string>): Promise<string> {
  const summary = createHash("sha256");
  for (const name of Object.keys(files).sort()) summary.update(`${await sha256File(files[name]!)}  ${name}\n`);
  return `h1:${summary.digest("base64")}`;
}
