// The exec provider, described once: its settings, its documentation and its factory.

import type { DnsProviderDescription, Environment } from "../description.js";
import { DEFAULT_POLLING_INTERVAL_SECONDS, DEFAULT_PROPAGATION_TIMEOUT_SECONDS, ExecProvider } from "./provider.js";

const PROPAGATION_TIMEOUT = "EXEC_PROPAGATION_TIMEOUT";
const POLLING_INTERVAL = "EXEC_POLLING_INTERVAL";

const description = `
The external program is named by \`EXEC_PATH\`: a path to an executable file, or the name of
a program found in \`PATH\`. It is run directly, without a shell, with the environment of the
provider plus the settings of its \`dns_challenge\` block (and the other keys of its \`config\`)
as environment variables.

When it is run, three command-line arguments are passed to it: the action (\`present\` or
\`cleanup\`), the fully-qualified name of the TXT record and the value for the record.

For example, requesting a certificate for \`foo.example.com\` with this block:

\`\`\`hcl
dns_challenge {
  provider = "exec"
  config = {
    EXEC_PATH = "./update-dns.sh"
  }
}
\`\`\`

calls the program \`./update-dns.sh\` like this:

\`\`\`bash
./update-dns.sh "present" "_acme-challenge.foo.example.com." "MsijOYZxqyjGnFGwhjrhfg-Xgbl5r68WPda0J9EgqqI"
\`\`\`

The name ends with a dot. When \`_acme-challenge.foo.example.com\` is a CNAME, the program
gets the name at the end of the CNAME chain instead, where the CA will find the record.

The program then needs to make sure the record is inserted. When it exits with a non-zero
code, the certificate is not issued, and the error shows what the program printed.

When the record is to be removed again, the program is called with the first argument set to
\`cleanup\` instead of \`present\`. Cleanup runs for every record whose \`present\` was run,
even when issuing the certificate fails.

If you want to use the raw domain, token and key authorization with your program, set
\`EXEC_MODE = "RAW"\`. The program is then called like this:

\`\`\`bash
./update-dns.sh "present" "--" "foo.example.com" "some-token" "KxAy-J3NwUmg9ZQuM-gP_Mq1nStaYSaP9tYQs5_-YsE.ksT-qywTd8058G-SHHWA3RAN72Pr0yWtPYmmY5UBpQ8"
\`\`\`

The domain has no trailing dot, and no \`*.\` for a wildcard name.

Runs of the program for one \`dns_challenge\` block never overlap. A run that has not finished
within the propagation timeout is killed, together with the processes it started.
`;

const commands = `
-> **Note:** In \`RAW\` mode a \`--\` comes before the domain, because the token may start with
a \`-\` and the program might take it for a flag. Argument parsers such as urfave/cli treat
what follows \`--\` as positional arguments. The default mode passes no \`--\`.

### Present

| Mode    | Command                                            |
|---------|----------------------------------------------------|
| default | \`myprogram present <FQDN> <record>\`                |
| \`RAW\`   | \`myprogram present -- <domain> <token> <key_auth>\` |

### Cleanup

| Mode    | Command                                            |
|---------|----------------------------------------------------|
| default | \`myprogram cleanup <FQDN> <record>\`                |
| \`RAW\`   | \`myprogram cleanup -- <domain> <token> <key_auth>\` |

### Timeout

The command prints the propagation timeout and polling interval on its standard output, as
JSON, in seconds. Example: \`{"timeout": 30, "interval": 5}\`

\`${PROPAGATION_TIMEOUT}\` and \`${POLLING_INTERVAL}\`, when set, win over the program's answer.
When the program has no \`timeout\` command (it exits non-zero, or prints nothing), the defaults
apply silently (${DEFAULT_PROPAGATION_TIMEOUT_SECONDS} s and ${DEFAULT_POLLING_INTERVAL_SECONDS} s; the debug log says so). When it exits 0 but prints
something other than that JSON, the defaults apply too, with a warning. The command is not run
when both settings are set.

| Mode    | Command             |
|---------|---------------------|
| default | \`myprogram timeout\` |
| \`RAW\`   | \`myprogram timeout\` |
`;

const differences = `
This provider is a drop-in for the \`exec\` provider of the \`vancluever/acme\` provider, with
these differences:

- The default mode passes no \`--\`: the reference's documentation shows one in its command
  tables, but its program receives \`present <FQDN> <record>\`, as here. In \`RAW\` mode both
  pass \`present -- <domain> <token> <key_auth>\` (the reference's \`RAW\` example puts the
  domain first, with a trailing dot; the program really receives the order above).
- \`EXEC_SEQUENCE_INTERVAL\` defaults to 0 seconds instead of 60: challenges for different
  names are answered together, and a wait is only needed between rounds for the same name
  (a domain and its wildcard), which you can ask for by setting it.
- A \`config\` key starting with \`EXEC_\` that is not a setting is an error (a typo, such as
  \`EXEC_PATHS\`), where the reference ignores it.
- Settings and other \`config\` keys reach the program's environment only: they are never set
  in the provider's own environment, so they cannot leak into other \`dns_challenge\` blocks
  or other certificates.
- An empty value counts as unset.
- \`EXEC_PATH\` is checked when Terraform validates the configuration: it must exist and be
  executable.
- \`timeout\` behaves as the seed says (a program without the command gets the defaults, without
  a warning); beyond it, the command is asked once per certificate operation and not at all when
  both \`EXEC_PROPAGATION_TIMEOUT\` and \`EXEC_POLLING_INTERVAL\` are set, settings win over its
  answer, and \`EXEC_PROPAGATION_TIMEOUT\` also bounds each run of the program.
`;

export const execDescription: DnsProviderDescription = {
  name: "exec",
  displayName: "External program",
  summary: "Solving the DNS-01 challenge using an external program.",
  settings: [
    {
      name: "EXEC_MODE",
      kind: "enum",
      values: ["RAW"],
      required: false,
      secret: false,
      group: "base",
      help: "`RAW` to pass the domain, token and key authorization; unset for the record's name and value.",
    },
    {
      name: "EXEC_PATH",
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
      name: "EXEC_SEQUENCE_INTERVAL",
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
  docSections: [
    { title: "Description", markdown: description },
    { title: "Commands", markdown: commands },
    { title: "Differences from the reference provider", markdown: differences },
  ],
  create: (settings, { env, logger }) =>
    new ExecProvider(
      {
        program: settings.requiredText("EXEC_PATH"),
        raw: settings.text("EXEC_MODE") === "RAW",
        propagationTimeoutSeconds: settings.givenSeconds(PROPAGATION_TIMEOUT),
        pollingIntervalSeconds: settings.givenSeconds(POLLING_INTERVAL),
        sequenceIntervalSeconds: settings.seconds("EXEC_SEQUENCE_INTERVAL"),
        env: { ...definedOnly(env), ...settings.asEnvironment() },
      },
      logger.child({ dns_provider: "exec" }),
    ),
};

function definedOnly(env: Environment): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
