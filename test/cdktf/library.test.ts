// The constructs extend one CDKTF library (here, from source: the package "cdktf"); a
// construct placed in a stack of the other one (cdktn's) is refused at construction with
// the entry point to use, instead of crashing cdktn's synth later.
import { App as CdktnApp, TerraformStack as CdktnStack } from "cdktn";
import { AcmeProvider, Certificate } from "../../src/cdktf/index.js";
import { stackWithProvider } from "./support.js";

test("a construct in a cdktn stack, from the constructs built on cdktf, names the entry point to import", () => {
  const stack = new CdktnStack(new CdktnApp({ outdir: "cdktf.out" }), "certificates");
  expect(() => new AcmeProvider(stack as never, "acme", { serverUrl: "https://acme.example.test/directory" })).toThrow(
    'acme certificates/acme: it is not in a TerraformStack of the CDKTF library these constructs extend. acme-tf/cdktf extends the package "cdktf" (cdktf, or cdktn installed under that name), acme-tf/cdktn the package "cdktn"',
  );
  expect(() => new Certificate(stack as never, "certificate", { accountKeyPem: "key", commonName: "www.example.test", dnsChallenge: [] })).toThrow(/^acme_certificate certificates\/certificate: it is not in a TerraformStack/);
});

test("in a stack of their own library they are accepted", () => {
  const stack = stackWithProvider();
  expect(() => new Certificate(stack, "certificate", { accountKeyPem: "key", commonName: "www.example.test", dnsChallenge: [] })).not.toThrow();
});
