// Provider zips that are the same bytes on every build of the same inputs (so their zh:
// hashes are too): fixed entry timestamp, fixed mode, no extended-timestamp field.
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";

// Local-time fields, so the DOS date in the zip is 2000-01-01 00:00 whatever the TZ.
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);

/** Writes `zipPath` holding `files` (name in the zip -> file) at its root, executable, in that order. */
export async function zipExecutables(files: Record<string, string>, zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, file] of Object.entries(files)) zip.addFile(file, name, { mtime: FIXED_TIME, mode: 0o100755, compress: true, forceDosTimestamp: true });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}
