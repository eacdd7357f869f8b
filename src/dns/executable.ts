// Whether a program can be run the way the exec provider runs it: a path containing a
// slash is used as it is (relative to the working directory), a bare name is looked up in
// PATH, as both Node's spawn and the reference provider do.

import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";

// Every certificate checks its program at validate and again at plan, and one terraform
// command runs one provider process: a program found runnable stays found for the
// process (a program removed meanwhile still fails clearly when it is run). What is not
// runnable is checked again each time, so a fix is seen at once.
const runnable = new Set<string>();

/** Why `program` cannot be run, or undefined when it can. */
export async function whyNotExecutable(program: string, searchPath: string | undefined): Promise<string | undefined> {
  const key = [process.cwd(), searchPath ?? "", program].join("\0");
  if (runnable.has(key)) return undefined;
  const why = await lookUp(program, searchPath);
  if (why === undefined) runnable.add(key);
  return why;
}

async function lookUp(program: string, searchPath: string | undefined): Promise<string | undefined> {
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
