// Programs die with the provider. Each program leads its own process group (so that
// stopping it stops what it started), which also means nothing stops them when the provider
// is killed outright (SIGKILL: the OOM killer, a CI job cancelled hard): no handler of ours
// runs. A parent-death signal (prctl PR_SET_PDEATHSIG, Debian's `setpriv --pdeathsig`)
// reaches only the one process it is set on, not the group, and is lost across the
// program's own forks. So one small `sh` per provider process holds the read end of a pipe
// from us and the list of running groups: when the pipe closes - however the provider
// ended - it stops every group still listed (SIGTERM, then SIGKILL after a grace).
// Linux and other Unix alike; nothing to do on Windows, where programs get no groups.

import { spawn } from "node:child_process";
import type { Socket } from "node:net";
import type { Writable } from "node:stream";

/** Grace between SIGTERM and SIGKILL for the groups left when the provider is gone. */
const GRACE_SECONDS = 2;

// Lines "+<pgid>" and "-<pgid>" add and remove groups; end of input means we are gone.
const WATCHER = `
groups=
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups \${line#+}" ;;
    -*) kept=; for group in $groups; do [ "$group" = "\${line#-}" ] || kept="$kept $group"; done; groups=$kept ;;
  esac
done
[ -n "$groups" ] || exit 0
for group in $groups; do kill -TERM "-$group" 2>/dev/null; done
sleep ${GRACE_SECONDS}
for group in $groups; do kill -KILL "-$group" 2>/dev/null; done
`;

let pipe: Writable | undefined | null;

function watcher(): Writable | undefined {
  if (pipe !== undefined) return pipe ?? undefined;
  pipe = null;
  if (process.platform === "win32") return undefined;
  // detached: a signal to the provider's own group (a terminal's Ctrl-C, a job kill)
  // must not take the watcher down before it has done its work.
  const child = spawn("/bin/sh", ["-c", WATCHER], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  child.on("error", () => undefined); // no /bin/sh: programs are still stopped on every ordinary path
  child.unref();
  // A pipe's end is a net.Socket: unref'd, neither the watcher nor its pipe keeps the provider running.
  const stdin = child.stdin as Socket;
  stdin.on("error", () => undefined);
  stdin.unref();
  pipe = stdin;
  return pipe;
}

/**
 * Puts the process group `pgid` under watch until the returned function is called (when
 * the program has ended).
 */
export function watchProcessGroup(pgid: number | undefined): () => void {
  const stream = pgid === undefined ? undefined : watcher();
  if (!stream) return () => undefined;
  stream.write(`+${pgid}\n`);
  return () => void stream.write(`-${pgid}\n`);
}
