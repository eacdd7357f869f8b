// Whether a program can be run the way the exec provider runs it: a path containing a
// slash is used as it is (relative to the working directory), a bare name is looked up in
// PATH, as both Node's spawn and the reference provider do.

import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** Why `program` cannot be run, or undefined when it can. */
export async function whyNotExecutable(program: string, searchPath: string | undefined): Promise<string | undefined> {
  if (program.includes("/")) return whyFileNotExecutable(program);
  for (const directory of (searchPath ?? "").split(delimiter).filter(Boolean)) {
    if ((await whyFileNotExecutable(join(directory, program))) === undefined) return undefined;
  }
  return `"${program}" was not found in PATH`;
}

async function whyFileNotExecutable(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).isDirectory()) return `${path} is a directory`;
    await access(path, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `${path} does not exist`;
    if (code === "EACCES") return `${path} is not executable`;
    return `${path} cannot be run: ${(error as Error).message}`;
  }
}
