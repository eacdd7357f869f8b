// The `acme-tf` command: helpers around the provider.
import { parseArgs } from "node:util";
import { PROVIDER_SOURCE, PROVIDER_VERSION } from "../identity/index.js";
import { defaultPluginDirectory, installProvider } from "./install.js";

interface Command {
  usage: string;
  summary: string;
  details: string;
  run(args: string[]): number;
}

const COMMANDS: Record<string, Command> = {
  install: {
    usage: "acme-tf install [--dir DIR]",
    summary: "Install the provider for this machine's Terraform (Node package).",
    details: `Places the provider's Node package (a launcher and the bundled provider, which runs
on the Node.js 20.9+ found on PATH) into a Terraform plugin directory, where
\`terraform init\` finds it for source "${PROVIDER_SOURCE}".

  --dir DIR   the plugin directory (default ${defaultPluginDirectory()})

Installs of one version are byte-identical wherever they come from, so the lock file's
h1: hash is the same on every machine. For teams and CI, prefer a registry or network
mirror serving the release zips (single executables, no Node needed): see the README.`,
    run(args) {
      const { values } = parseArgs({ args, options: { dir: { type: "string" } } });
      const { executable, version } = installProvider(values.dir);
      process.stdout.write(
        `Installed acme provider ${version} as ${executable}\n\n` +
          `Use it with:\n\n  terraform {\n    required_providers {\n      acme = {\n        source  = "${PROVIDER_SOURCE}"\n        version = "${version}"\n      }\n    }\n  }\n`,
      );
      return 0;
    },
  },
  help: {
    usage: "acme-tf help [COMMAND]",
    summary: "Show the commands, or what one command does.",
    details: "Without a command, lists the commands; with one, shows its usage and options.",
    run(args) {
      const [name] = args;
      if (name === undefined) return printUsage(process.stdout, 0);
      const command = COMMANDS[name];
      if (!command) return unknownCommand(name);
      process.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n\n${command.details}\n`);
      return 0;
    },
  },
};

function printUsage(stream: NodeJS.WriteStream, code: number): number {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  stream.write(`Usage: acme-tf COMMAND [OPTIONS]\n\nCommands:\n${lines.join("\n")}\n\n  --version  Print acme-tf's version.\n  --help     Print this help.\n\nRun \`acme-tf help COMMAND\` for a command's options.\n`);
  return code;
}

function unknownCommand(name: string): number {
  process.stderr.write(`acme-tf: unknown command "${name}"\n\n`);
  return printUsage(process.stderr, 2);
}

function main(argv: string[]): number {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v") {
    process.stdout.write(`acme-tf ${PROVIDER_VERSION} (provider ${PROVIDER_SOURCE})\n`);
    return 0;
  }
  if (first === "--help" || first === "-h") return printUsage(process.stdout, 0);
  if (first === undefined) return printUsage(process.stderr, 2);
  const command = COMMANDS[first];
  if (!command) return unknownCommand(first);
  if (rest.includes("--help") || rest.includes("-h")) return COMMANDS.help!.run([first]);
  return command.run(rest);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (cause) {
  process.stderr.write(`acme-tf: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  process.exitCode = 1;
}
