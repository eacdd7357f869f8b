// The CDKTF guide's example files: every fenced block after a `<!-- file: NAME -->` line of
// docs/guides/cdktf.md, so that the tests run the example exactly as the guide shows it.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPOSITORY } from "./support.js";

export function guideFiles(): Map<string, string> {
  const text = readFileSync(join(REPOSITORY, "docs", "guides", "cdktf.md"), "utf8");
  const files = new Map<string, string>();
  for (const match of text.matchAll(/^<!-- file: (\S+) -->\n```[a-z]*\n([\s\S]*?)^```$/gm)) files.set(match[1]!, match[2]!);
  return files;
}

/** Writes the guide's files into a project (scripts executable, as the guide says). */
export function writeGuideFiles(dir: string): string[] {
  const files = guideFiles();
  for (const [name, content] of files) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    if (name.endsWith(".sh")) chmodSync(path, 0o755);
  }
  return [...files.keys()];
}
