// Runs the acme-dns stand-in (server.ts) on its own, for benchmarks and demos:
//   npx tsx test/acme-dns-server/main.ts --domain acmedns.acme-tf.test --dns 127.0.53.3
// Options: --domain (required), --dns <address> (required), --dns-port (default 53),
// --ns-name, --http-host (default 127.0.0.1), --http-port (default 0: a free port).
// When ready it prints one JSON line: {"apiBase":..., "dnsAddress":..., "dnsPort":..., "domain":...};
// it runs until SIGTERM or SIGINT, then stops its listeners and exits 0.

import { parseArgs } from "node:util";
import { startAcmeDnsServer, type AcmeDnsServerOptions } from "./server.js";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: main.ts --domain <zone> --dns <address> [--dns-port 53] [--ns-name <name>] [--http-host 127.0.0.1] [--http-port 0]\n`);
  process.exit(2);
}

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) usage(`${name}: not a port: ${value}`);
  return n;
}

function options(argv: string[]): AcmeDnsServerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      domain: { type: "string" },
      dns: { type: "string" },
      "dns-port": { type: "string" },
      "ns-name": { type: "string" },
      "http-host": { type: "string" },
      "http-port": { type: "string" },
    },
  });
  if (!values.domain) usage("--domain is required");
  if (!values.dns) usage("--dns is required");
  return {
    domain: values.domain,
    dnsAddress: values.dns,
    dnsPort: port(values["dns-port"], "--dns-port", 53),
    ...(values["ns-name"] ? { nsName: values["ns-name"] } : {}),
    httpHost: values["http-host"] ?? "127.0.0.1",
    httpPort: port(values["http-port"], "--http-port", 0),
  };
}

async function main(): Promise<void> {
  const server = await startAcmeDnsServer(options(process.argv.slice(2)));
  const stop = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const { apiBase, dnsAddress, dnsPort, domain } = server;
  process.stdout.write(JSON.stringify({ apiBase, dnsAddress, dnsPort, domain }) + "\n");
}

main().catch((err: unknown) => {
  process.stderr.write(`acme-dns stand-in failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
