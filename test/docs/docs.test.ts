import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dnsProviders, providerDocFileName, REGENERATE_DOCS_COMMAND } from "../../src/dns/index.js";
import { checkRegistryDocs, pageFileName, registryPages, renderPage, renderRegistryDocs, typeName } from "../../src/docs/index.js";
import type { Schema } from "../../src/plugin/schema.js";
import type { ResourceType } from "../../src/provider/resource-type.js";
import { acmeProvider } from "../../src/resources/index.js";
import type { AcmeProviderData } from "../../src/resources/provider-config.js";
import { anchorsOf, isExternal, linksOf, slug } from "./markdown-links.js";

const docsDir = fileURLToPath(new URL("../../docs", import.meta.url));
const rendered = renderRegistryDocs();
const page = (path: string) => rendered.get(path) ?? "";

it("the committed registry pages match their templates and the schemas", async () => {
  const differing = await checkRegistryDocs(docsDir);
  if (differing.length > 0) {
    const names = differing.map((file) => relative(process.cwd(), file));
    throw new Error(`These pages differ from what src/docs generates (or should not exist):\n${names.join("\n")}\nRegenerate them with: ${REGENERATE_DOCS_COMMAND}`);
  }
});

it("has a page for the provider and for every resource and data source the provider serves", () => {
  const definition = acmeProvider({});
  expect([...rendered.keys()]).toEqual([
    "index.md",
    ...definition.resources.map((resource) => `resources/${pageFileName(resource.name)}`),
    ...definition.dataSources.map((dataSource) => `data-sources/${pageFileName(dataSource.name)}`),
  ]);
  expect(rendered.has("resources/certificate.md")).toBe(true);
  expect(rendered.has("resources/registration.md")).toBe(true);
  expect(rendered.has("data-sources/server_url.md")).toBe(true);
});

it("gives a resource added later a page, from its schema alone", () => {
  const definition = acmeProvider({});
  const schema: Schema = {
    version: 0,
    block: {
      description: "A thing made for the test.",
      attributes: {
        id: { type: "string", computed: true, description: "The thing's ID." },
        name: { type: "string", required: true, description: "The thing's name." },
        size: { type: "number", optional: true, computed: true, description: "How big." },
        tags: { type: ["map", "string"], optional: true, sensitive: true },
      },
      blocks: { part: { nesting: "list", maxItems: 1, block: { attributes: { kind: { type: "string", required: true, description: "Its kind." } } } } },
    },
  };
  const extra: ResourceType<AcmeProviderData> = {
    name: "acme_example_thing",
    schema,
    defaults: { size: 3 },
    replaceOnChange: ["name", "part"],
    create: async (planned) => planned,
    read: async (state) => state,
    delete: async () => undefined,
  };
  const pages = registryPages({ ...definition, resources: [...definition.resources, extra] });
  const thing = pages.find((candidate) => candidate.path === "resources/example_thing.md")!;
  expect(thing).toBeDefined();
  const text = renderPage(thing, pages);
  expect(text).toMatch(/^---\npage_title: "acme_example_thing Resource - acme"\nsubcategory: ""\ndescription: \|-\n {2}A thing made for the test.\n---\n/);
  expect(text).toContain("# acme_example_thing\n\nA thing made for the test.");
  expect(text).toContain("* `name` - (Required, String, forces replacement) The thing's name.");
  expect(text).toContain("* `size` - (Optional, Number, default `3`) How big.");
  expect(text).toContain("* `tags` - (Optional, Map of String, sensitive)\n");
  expect(text).toContain("* `part` - (Optional, block, at most one, forces replacement) See [part](#part) below.");
  expect(text).toContain("### part\n\nChanging this block replaces the resource.\n\nA `part` block supports:\n\n* `kind` - (Required, String) Its kind.");
  expect(text).toContain("## Attribute Reference\n\nIn addition to the arguments above, the following attributes are exported:\n\n* `id` - (String) The thing's ID.");
  expect(text).toContain("`acme_example_thing` cannot be imported");
  // The index lists it too.
  expect(renderPage(pages[0]!, pages)).toContain("* [`acme_example_thing`](resources/example_thing.md): A thing made for the test.");
});

it("documents every argument and attribute of every schema exactly once, with its flags", () => {
  const definition = acmeProvider({});
  const subjects = [
    { text: page("index.md"), block: definition.schema.block },
    ...definition.resources.map((resource) => ({ text: page(`resources/${pageFileName(resource.name)}`), block: resource.schema.block })),
    ...definition.dataSources.map((dataSource) => ({ text: page(`data-sources/${pageFileName(dataSource.name)}`), block: dataSource.schema.block })),
  ];
  for (const { text, block } of subjects) {
    for (const [name, attribute] of Object.entries(block.attributes)) {
      const entries = text.split("\n").filter((line) => line.startsWith(`* \`${name}\` - (`));
      expect({ name, entries: entries.length }).toEqual({ name, entries: 1 });
      expect(entries[0]).toContain(typeName(attribute.type));
      if (attribute.sensitive) expect(entries[0]).toContain("sensitive");
    }
  }
  const certificate = page("resources/certificate.md");
  expect(certificate).toContain("* `account_key_pem` - (Required, String, sensitive, forces replacement)");
  expect(certificate).toContain('* `key_type` - (Optional, String, default `"2048"`, forces replacement)');
  expect(certificate).toContain("* `min_days_remaining` - (Optional, Number, default `30`)");
  expect(certificate).toContain("* `subject_alternative_names` - (Optional, Set of String, forces replacement)");
  expect(certificate).toContain("* `dns_challenge` - (Optional, list of blocks, repeatable)");
  expect(certificate).toContain("* `config` - (Optional, Map of String, sensitive)");
  expect(certificate).toContain("* `certificate_p12` - (String, sensitive)");
  const registration = page("resources/registration.md");
  expect(registration).toContain('* `account_key_ecdsa_curve` - (Optional, String, default `"P384"`, forces replacement)');
  expect(registration).toContain("* `external_account_binding` - (Optional, block, at most one, forces replacement)");
  expect(page("index.md")).toContain("* `server_url` - (Optional, String)");
});

it("keeps the certificate page's anchors that the DNS provider guides link to, and links every guide", () => {
  const anchors = anchorsOf(page("resources/certificate.md"));
  for (const anchor of ["using-dns-challenges", "dns_challenge", "using-variable-files-for-provider-arguments"]) expect(anchors).toContain(anchor);
  for (const provider of dnsProviders) {
    expect(page("resources/certificate.md")).toContain(`](../guides/${providerDocFileName(provider)})`);
    expect(page("index.md")).toContain(`](guides/${providerDocFileName(provider)})`);
  }
});

it("says where each page comes from and how to regenerate it", () => {
  expect(page("resources/certificate.md")).toContain(
    `<!-- Generated by \`${REGENERATE_DOCS_COMMAND}\` from src/docs/templates/resources/certificate.md and the schema of acme_certificate (src/resources): edit those, not this file. -->`,
  );
});

it("rejects unknown placeholders and templates that leave out the references", () => {
  const pages = registryPages();
  const certificate = pages.find((candidate) => candidate.path === "resources/certificate.md")!;
  expect(() => renderPage(certificate, pages, "{{argument_reference}} {{attribute_reference}} {{nope}}")).toThrow(/unknown placeholder \{\{nope\}\}/);
  expect(() => renderPage(certificate, pages, "{{argument_reference}}")).toThrow(/must contain \{\{attribute_reference\}\}/);
  expect(() => renderPage(certificate, pages, "{{argument_reference}} {{attribute_reference}} {{ Bad }}")).toThrow(/malformed placeholder/);
});

it("has relative links in docs/ that lead to existing files and anchors", async () => {
  const files = await markdownFiles(docsDir);
  expect(files.length).toBeGreaterThan(4);
  const broken: string[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const target of linksOf(text)) {
      if (isExternal(target)) continue;
      const [path, anchor] = target.split("#", 2) as [string, string | undefined];
      const destination = path === "" ? file : resolve(dirname(file), path);
      if (!existsSync(destination)) {
        broken.push(`${relative(docsDir, file)}: ${target} (no such file)`);
        continue;
      }
      if (anchor !== undefined && destination.endsWith(".md") && !anchorsOf(await readFile(destination, "utf8")).has(anchor)) {
        broken.push(`${relative(docsDir, file)}: ${target} (no such anchor)`);
      }
    }
  }
  expect(broken).toEqual([]);
});

it("slugs headings as GitHub does", () => {
  expect(slug("Using variable files for provider arguments")).toBe("using-variable-files-for-provider-arguments");
  expect(slug("dns_challenge")).toBe("dns_challenge");
  expect(slug("Differences from vancluever/acme")).toBe("differences-from-vanclueveracme");
  expect([...anchorsOf("# A\n\n## A\n\n```\n# not a heading\n```\n")]).toEqual(["a", "a-1"]);
});

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : Promise.resolve(entry.name.endsWith(".md") ? [join(dir, entry.name)] : []))),
  );
  return nested.flat().sort();
}
