// Runs the real terraform CLI against the installed provider: a temporary working
// directory, a CLI config whose filesystem mirror holds only this provider (so `init`
// needs no network), and the environment a user would set.
import { execa } from "execa";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProvider } from "../../src/cli/install.js";
import { PROVIDER_SOURCE } from "../../src/identity/index.js";

export interface TerraformResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let pluginDirectory: string | undefined;

/** Commands whose output is data for the caller, not something to show a person. */
const QUIET_COMMANDS = new Set(["output", "show", "state"]);

/**
 * The filesystem mirror holding the built provider: the test run's (made by jest's global
 * setup), else one installed now for this process (demo, benchmarks) and removed at exit.
 */
function installedPlugins(): string {
  if (process.env.ACME_TF_PLUGIN_MIRROR) return process.env.ACME_TF_PLUGIN_MIRROR;
  if (!pluginDirectory) {
    if (!existsSync(new URL("../../dist/bundle/provider.cjs", import.meta.url))) {
      throw new Error("dist/ is missing: run `npm run build` before the terraform tests");
    }
    const directory = mkdtempSync(join(tmpdir(), "acme-tf-plugins-"));
    process.once("exit", () => rmSync(directory, { recursive: true, force: true }));
    installProvider(directory);
    pluginDirectory = directory;
  }
  return pluginDirectory;
}

export class TerraformWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), "acme-tf-workspace-"));
  private readonly env: Record<string, string>;
  /** A command terraform runs under, e.g. nsenter into a mount namespace; none by default. */
  private prefix: string[] = [];

  /** `echo`: also show terraform's output on this process's stdout/stderr (the demo). */
  constructor(
    env: Record<string, string> = {},
    private readonly echo = false,
  ) {
    const cliConfig = join(this.dir, ".terraformrc");
    writeFileSync(
      cliConfig,
      `provider_installation {
  filesystem_mirror {
    path    = "${installedPlugins()}"
    include = ["${PROVIDER_SOURCE}"]
  }
  direct {
    exclude = ["${PROVIDER_SOURCE}"]
  }
}
`,
    );
    // The provider's journal of presented challenges stays in the workspace, not the user's home.
    this.env = { TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", ACME_TF_STATE_DIR: join(this.dir, ".acme-tf-state"), ...env };
  }

  /** Write (or replace) a file of the configuration. */
  write(name: string, content: string): this {
    const path = join(this.dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
    return this;
  }

  /** Runs terraform (and so the provider) under `prefix` from now on: `prefix[0]` is the program. */
  runUnder(prefix: string[]): this {
    this.prefix = prefix;
    return this;
  }

  private command(args: string[]): [string, string[]] {
    const [program, ...rest] = [...this.prefix, "terraform", ...args];
    return [program!, rest];
  }

  async run(args: string[], extraEnv: Record<string, string> = {}): Promise<TerraformResult> {
    const result = await execa(...this.command(args), {
      cwd: this.dir,
      env: { ...this.env, ...extraEnv },
      reject: false,
      stdin: "ignore",
      ...(this.echo && !QUIET_COMMANDS.has(args[0]!) ? { stdout: ["pipe", "inherit"] as const, stderr: ["pipe", "inherit"] as const } : {}),
      timeout: 300_000,
    });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  /** Start terraform and return the running process (to signal it, or its provider). */
  start(args: string[], extraEnv: Record<string, string> = {}) {
    return execa(...this.command(args), { cwd: this.dir, env: { ...this.env, ...extraEnv }, reject: false, stdin: "ignore", timeout: 300_000 });
  }

  /** Run and fail with terraform's own output when it does not exit 0. */
  async ok(args: string[], extraEnv: Record<string, string> = {}): Promise<TerraformResult> {
    const result = await this.run(args, extraEnv);
    if (result.exitCode !== 0) {
      throw new Error(`terraform ${args.join(" ")} exited ${result.exitCode}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  init = () => this.ok(["init", "-input=false", "-no-color"]);
  apply = (extra: string[] = []) => this.ok(["apply", "-auto-approve", "-input=false", "-no-color", ...extra]);
  destroy = () => this.ok(["destroy", "-auto-approve", "-input=false", "-no-color"]);
  /** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan = (extra: string[] = []) => this.run(["plan", "-detailed-exitcode", "-input=false", "-no-color", ...extra]);

  async outputs(): Promise<Record<string, { value: unknown; sensitive: boolean }>> {
    return JSON.parse((await this.ok(["output", "-json"])).stdout) as Record<string, { value: unknown; sensitive: boolean }>;
  }

  async state(): Promise<TerraformState> {
    return JSON.parse((await this.ok(["show", "-json"])).stdout) as TerraformState;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface TerraformState {
  values?: { root_module?: { resources?: { address: string; values: Record<string, unknown> }[] } };
}

export function resourceValues(state: TerraformState, address: string): Record<string, unknown> {
  const found = state.values?.root_module?.resources?.find((r) => r.address === address);
  if (!found) throw new Error(`${address} is not in the state`);
  return found.values;
}

/** The provider block and required_providers every test configuration starts with. */
export function providerBlock(serverUrl: string): string {
  return `terraform {
  required_providers {
    acme = {
      source = "${PROVIDER_SOURCE}"
    }
  }
}

provider "acme" {
  server_url = "${serverUrl}"
}
`;
}

/** A pattern for `text` in terraform's output, which wraps long lines at any space. */
export function wrapped(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(escaped.replace(/ +/g, "\\s+(?:│\\s+)?"));
}
