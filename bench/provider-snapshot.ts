// A copy of a built provider for terraform to run, installed into a private filesystem
// mirror: a rebuild of dist/ while a benchmark runs (other work in the same tree) must not
// break or change the provider, and a benchmark can run an older build (another checkout,
// e.g. a git worktree of the previous release) next to this one.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROVIDER_SOURCE } from "../src/identity/index.js";
import { TerraformWorkspace } from "../test/terraform/workspace.js";

export const REPO_ROOT = new URL("..", import.meta.url).pathname;

export class ProviderSnapshot {
  private constructor(
    readonly dir: string,
    /** The installed executable, as terraform runs it. */
    readonly executable: string,
    /** A CLI config whose filesystem mirror holds the snapshot only. */
    readonly cliConfig: string,
  ) {}

  /** Snapshot of the build in `root` (a checkout with dist/ built and node_modules). */
  static create(root = REPO_ROOT): ProviderSnapshot {
    const dir = mkdtempSync(join(tmpdir(), "acme-tf-bench-provider-"));
    cpSync(join(root, "dist"), join(dir, "dist"), { recursive: true });
    if (existsSync(join(root, "proto"))) cpSync(join(root, "proto"), join(dir, "proto"), { recursive: true });
    copyFileSync(join(root, "package.json"), join(dir, "package.json"));
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const plugins = join(dir, "plugins");
    const installed = execFileSync(process.execPath, [join(dir, "dist", "cli", "acme-tf.js"), "install", "--dir", plugins], { encoding: "utf8" });
    const executable = /Installed acme provider \S+ as (\S+)/.exec(installed)?.[1];
    // Run by hand, the provider says it is a plugin and exits 1: anything else is a broken build.
    const probe = executable ? spawnSync(executable, [], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 }) : undefined;
    if (!executable || !probe || !/plugin/i.test(`${probe.stdout}${probe.stderr}`)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the provider built in ${root} does not start (${executable ?? "not installed"}): run \`npm run build\` there\n${probe?.stderr ?? installed}`);
    }
    const cliConfig = join(dir, "terraformrc");
    writeFileSync(
      cliConfig,
      `provider_installation {
  filesystem_mirror {
    path    = "${plugins}"
    include = ["${PROVIDER_SOURCE}"]
  }
  direct {
    exclude = ["${PROVIDER_SOURCE}"]
  }
}
`,
    );
    return new ProviderSnapshot(dir, executable, cliConfig);
  }

  /** A terraform working directory using this snapshot; `env` is the user's environment. */
  workspace(env: Record<string, string>): TerraformWorkspace {
    return new TerraformWorkspace({ ...env, TF_CLI_CONFIG_FILE: this.cliConfig });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
