// The exec provider's settings, described once. Its page's prose is exec.md; its run-time
// code is runtime.ts.

import type { DnsProviderDescription } from "../description.js";

export const PATH = "EXEC_PATH";
export const MODE = "EXEC_MODE";
export const PROPAGATION_TIMEOUT = "EXEC_PROPAGATION_TIMEOUT";
export const POLLING_INTERVAL = "EXEC_POLLING_INTERVAL";
export const SEQUENCE_INTERVAL = "EXEC_SEQUENCE_INTERVAL";

/** Used when neither a setting nor the program's `timeout` answer says otherwise. */
export const DEFAULT_PROPAGATION_TIMEOUT_SECONDS = 60;
export const DEFAULT_POLLING_INTERVAL_SECONDS = 2;

export const execDescription: DnsProviderDescription = {
  name: "exec",
  displayName: "External program",
  summary: "Solving the DNS-01 challenge using an external program.",
  settings: [
    {
      name: MODE,
      kind: "enum",
      values: ["RAW"],
      required: false,
      secret: false,
      group: "base",
      help: "`RAW` to pass the domain, token and key authorization; unset for the record's name and value.",
    },
    {
      name: PATH,
      kind: "path",
      executable: true,
      required: true,
      secret: false,
      group: "base",
      help: "The path of the external program, or its name to look up in `PATH`.",
    },
    {
      name: POLLING_INTERVAL,
      kind: "duration-seconds",
      default: DEFAULT_POLLING_INTERVAL_SECONDS,
      required: false,
      secret: false,
      group: "additional",
      help: "Time between DNS propagation checks, in seconds. When unset, the program's `timeout` answer applies, if it has one.",
    },
    {
      name: PROPAGATION_TIMEOUT,
      kind: "duration-seconds",
      minimum: 1,
      default: DEFAULT_PROPAGATION_TIMEOUT_SECONDS,
      required: false,
      secret: false,
      group: "additional",
      help: "Maximum waiting time for DNS propagation, and for one run of the program, in seconds. When unset, the program's `timeout` answer applies, if it has one.",
    },
    {
      name: SEQUENCE_INTERVAL,
      kind: "duration-seconds",
      default: 0,
      required: false,
      secret: false,
      group: "additional",
      help: "Time to wait between two rounds of challenges (a domain and its wildcard share one TXT name), in seconds.",
    },
  ],
  passThroughConfig: {
    reservedPrefix: "EXEC_",
    help: "Other `config` keys, not starting with `EXEC_`, are passed to the program as environment variables, for example the credentials of your DNS service.",
  },
  exampleHcl: `provider = "exec"
config = {
  EXEC_PATH = "\${path.module}/update-dns.sh"
}`,
};
