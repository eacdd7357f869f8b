// The README's first command: a certificate issued by `terraform apply` through this
// provider, against a local lab (Pebble CA, bind9 authoritative DNS, unbound resolver),
// with the exec DNS provider running examples/exec/nsupdate.sh. Then it checks the
// certificate with openssl, shows that a second plan is empty, and destroys (revokes).
//   npx tsx scripts/demo.ts [--keep]   (--keep: leave the workspace and skip destroy)
import { execFileSync } from "node:child_process";
import { copyFileSync, chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fetchPebbleRoots, startLab } from "../test/lab/lab.js";
import { TerraformWorkspace } from "../test/terraform/workspace.js";

const keep = process.argv.includes("--keep");
const example = new URL("../examples/exec/", import.meta.url).pathname;

function step(title: string): () => void {
  const started = Date.now();
  process.stdout.write(`\n==> ${title}\n`);
  return () => process.stdout.write(`    (${((Date.now() - started) / 1000).toFixed(2)} s)\n`);
}

async function main(): Promise<void> {
  let done = step("Starting the lab: Pebble (ACME CA), bind9 (acme-tf.test, RFC 2136 updates), unbound (resolver)");
  const lab = await startLab();
  done();
  const workspace = new TerraformWorkspace({ NODE_EXTRA_CA_CERTS: lab.caCertPath }, true);
  try {
    copyFileSync(join(example, "main.tf"), join(workspace.dir, "main.tf"));
    copyFileSync(join(example, "nsupdate.sh"), join(workspace.dir, "nsupdate.sh"));
    chmodSync(join(workspace.dir, "nsupdate.sh"), 0o755);
    workspace.write(
      "terraform.tfvars.json",
      JSON.stringify(
        {
          server_url: lab.acmeDirectory,
          domain: `demo.${lab.zone}`,
          nsupdate_server: lab.authoritative,
          tsig_key_file: lab.tsigKeyFile,
          recursive_nameservers: [lab.resolver],
        },
        null,
        2,
      ),
    );
    process.stdout.write(`    workspace: ${workspace.dir} (examples/exec with the lab's settings)\n`);

    done = step("terraform init (the provider comes from a local filesystem mirror)");
    await workspace.init();
    done();
    done = step("terraform apply: registers an account, answers DNS-01 via nsupdate.sh, issues the certificate");
    await workspace.apply();
    done();

    done = step("Checking the certificate with openssl against Pebble's root");
    const outputs = await workspace.outputs();
    const roots = await fetchPebbleRoots(lab.managementUrl, lab.caCertPath);
    const files = { cert: join(workspace.dir, "cert.pem"), chain: join(workspace.dir, "chain.pem"), root: join(workspace.dir, "root.pem") };
    writeFileSync(files.cert, String(outputs.certificate_pem!.value));
    writeFileSync(files.chain, String(outputs.issuer_pem!.value));
    writeFileSync(files.root, roots.root);
    process.stdout.write(execFileSync("openssl", ["verify", "-CAfile", files.root, "-untrusted", files.chain, files.cert], { encoding: "utf8" }));
    process.stdout.write(execFileSync("openssl", ["x509", "-in", files.cert, "-noout", "-subject", "-ext", "subjectAltName", "-enddate"], { encoding: "utf8" }));
    done();

    done = step("terraform plan -detailed-exitcode: nothing left to do");
    const plan = await workspace.plan();
    if (plan.exitCode !== 0) throw new Error(`the second plan is not empty (exit ${plan.exitCode})`);
    done();

    if (!keep) {
      done = step("terraform destroy: revokes the certificate, deactivates the account");
      await workspace.destroy();
      done();
    }
    process.stdout.write("\nDemo complete.\n");
  } finally {
    if (!keep) workspace.remove();
    await lab.stop();
  }
}

main().catch((cause: unknown) => {
  process.stderr.write(`\ndemo failed: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  process.exit(1);
});
