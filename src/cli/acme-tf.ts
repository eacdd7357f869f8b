// The `acme-tf` command: helpers around the provider binary.
import { parseArgs } from "node:util";
import { installProvider, PROVIDER_SOURCE } from "./install.js";

const USAGE = `Usage: acme-tf install [--dir DIR]

  install   Place the provider into a Terraform plugin directory (default
            ~/.terraform.d/plugins), where \`terraform init\` finds it for
            source "${PROVIDER_SOURCE}".
`;

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (positionals[0] !== "install") {
    process.stderr.write(`acme-tf: unknown command "${positionals[0]}"\n\n${USAGE}`);
    return 2;
  }
  const { executable, version } = installProvider(values.dir);
  process.stdout.write(
    `Installed acme provider ${version} as ${executable}\n\n` +
      `Use it with:\n\n  terraform {\n    required_providers {\n      acme = {\n        source  = "${PROVIDER_SOURCE}"\n        version = "${version}"\n      }\n    }\n  }\n`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (cause) {
  process.stderr.write(`acme-tf: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  process.exitCode = 1;
}
