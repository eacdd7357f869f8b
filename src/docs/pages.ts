// The registry pages of the provider (Terraform registry layout):
//   docs/index.md                  the provider
//   docs/resources/<name>.md       each resource, named without the `acme_` prefix
//   docs/data-sources/<name>.md    each data source
// A page is its handwritten template (src/docs/templates/<same path>, markdown with
// {{placeholders}}) filled with what the code knows: the Argument and Attribute Reference
// from the schema, the lists of resources and DNS provider guides. Resources and data
// sources come from acmeProvider(), so one added there gets a page without a template too.

import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { REGENERATE_DOCS_COMMAND, dnsProviders, providerDocFileName } from "../dns/index.js";
import type { DataSourceType, ProviderDefinition, ResourceType } from "../provider/index.js";
import { acmeProvider, type AcmeProviderData } from "../resources/index.js";
import { argumentReference, attributeReference, type ReferenceSubject } from "./schema-reference.js";

const TEMPLATES_DIR = "src/docs/templates";

export interface RegistryPage {
  /** Path under docs/, with "/" separators: "index.md", "resources/certificate.md". */
  path: string;
  pageTitle: string;
  subcategory: string;
  /** One line: the registry shows it in listings and search. */
  description: string;
  /** The page's H1. */
  title: string;
  subject: ReferenceSubject;
  /** What the generated notice says the page comes from, besides the template. */
  source: string;
  /** For resources: whether `terraform import` works. */
  importable?: boolean;
}

/** Every page, in a stable order: index, resources, data sources. */
export function registryPages(definition: ProviderDefinition<AcmeProviderData> = acmeProvider({})): RegistryPage[] {
  return [
    {
      path: "index.md",
      pageTitle: "Provider: ACME (acme-tf)",
      subcategory: "",
      description: definition.schema.block.description ?? "The ACME provider.",
      title: "ACME Provider",
      subject: { block: definition.schema.block, kind: "provider" },
      source: "the provider schema in src/resources/provider-config.ts",
    },
    ...definition.resources.map(resourcePage),
    ...definition.dataSources.map(dataSourcePage),
  ];
}

export function pageFileName(typeName: string): string {
  return `${typeName.replace(/^acme_/, "")}.md`;
}

function resourcePage(resource: ResourceType<AcmeProviderData>): RegistryPage {
  return {
    path: `resources/${pageFileName(resource.name)}`,
    pageTitle: `${resource.name} Resource - acme`,
    subcategory: "",
    description: resource.schema.block.description ?? `The ${resource.name} resource.`,
    title: resource.name,
    subject: {
      block: resource.schema.block,
      kind: "resource",
      ...(resource.defaults ? { defaults: resource.defaults } : {}),
      replaceOnChange: resource.replaceOnChange,
    },
    source: `the schema of ${resource.name} (src/resources)`,
    importable: resource.importState !== undefined,
  };
}

function dataSourcePage(dataSource: DataSourceType<AcmeProviderData>): RegistryPage {
  return {
    path: `data-sources/${pageFileName(dataSource.name)}`,
    pageTitle: `${dataSource.name} Data Source - acme`,
    subcategory: "",
    description: dataSource.schema.block.description ?? `The ${dataSource.name} data source.`,
    title: dataSource.name,
    subject: { block: dataSource.schema.block, kind: "data source" },
    source: `the schema of ${dataSource.name} (src/resources)`,
  };
}

/** The handwritten part of a page, or undefined when it has none (a default body is used). */
export function readTemplate(page: Pick<RegistryPage, "path">): string | undefined {
  try {
    return readFileSync(new URL(`./templates/${page.path}`, import.meta.url), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The body of a page that has no template: the schema's description and references. */
const DEFAULT_BODY = `{{description}}

{{argument_reference}}

{{attribute_reference}}

{{import}}
`;

const DEFAULT_INDEX_BODY = `{{description}}

{{argument_reference}}
`;

/** Placeholders every template of a resource or data source must use (an index must use the first). */
export const REQUIRED_PLACEHOLDERS = ["argument_reference", "attribute_reference"] as const;

/** The generated page. Throws on an unknown placeholder or a template missing a required one. */
export function renderPage(page: RegistryPage, pages: readonly RegistryPage[], template = readTemplate(page)): string {
  const body = template ?? (page.path === "index.md" ? DEFAULT_INDEX_BODY : DEFAULT_BODY);
  const required = page.path === "index.md" ? REQUIRED_PLACEHOLDERS.slice(0, 1) : REQUIRED_PLACEHOLDERS;
  for (const name of required) {
    if (!body.includes(`{{${name}}}`)) throw new Error(`${TEMPLATES_DIR}/${page.path} must contain {{${name}}}`);
  }
  const values = placeholderValues(page, pages);
  const filled = body.replace(/\{\{([a-z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${TEMPLATES_DIR}/${page.path}: unknown placeholder {{${name}}}; known: ${Object.keys(values).join(", ")}`);
    return value;
  });
  const leftover = /\{\{[^}]*\}\}/.exec(filled);
  if (leftover) throw new Error(`${TEMPLATES_DIR}/${page.path}: malformed placeholder ${leftover[0]} (names are lowercase with underscores)`);
  const notice = `<!-- Generated by \`${REGENERATE_DOCS_COMMAND}\` from ${template === undefined ? "" : `${TEMPLATES_DIR}/${page.path} and `}${page.source}: edit those, not this file. -->`;
  return `${frontMatter(page)}\n\n${notice}\n\n# ${page.title}\n\n${tidy(filled)}\n`;
}

function frontMatter(page: RegistryPage): string {
  return `---
page_title: ${JSON.stringify(page.pageTitle)}
subcategory: ${JSON.stringify(page.subcategory)}
description: |-
  ${page.description}
---`;
}

/** At most one blank line in a row, none at the ends (templates may leave sections empty). */
function tidy(markdown: string): string {
  return markdown.replace(/\n{3,}/g, "\n\n").trim();
}

function placeholderValues(page: RegistryPage, pages: readonly RegistryPage[]): Record<string, string> {
  const link = (target: string) => posix.relative(posix.dirname(page.path), target) || posix.basename(target);
  const listOf = (kind: string) =>
    pages
      .filter((other) => other.path.startsWith(`${kind}/`))
      .map((other) => `* [\`${other.title}\`](${link(other.path)}): ${other.description}`)
      .join("\n");
  return {
    name: page.title,
    description: page.description,
    argument_reference: argumentReference(page.subject),
    attribute_reference: attributeReference(page.subject),
    import: page.importable
      ? `## Import\n\n\`${page.title}\` can be imported with \`terraform import\`.`
      : `## Import\n\n\`${page.title}\` cannot be imported: \`terraform import\` answers an error.`,
    resource_list: listOf("resources"),
    data_source_list: listOf("data-sources"),
    dns_provider_guides: dnsProviders
      .map((provider) => `* [${provider.displayName}](${link(`guides/${providerDocFileName(provider)}`)}) (\`${provider.name}\`): ${provider.summary}`)
      .join("\n"),
    dns_provider_names: dnsProviders.map((provider) => `\`${provider.name}\``).join(", "),
    regenerate_command: `\`${REGENERATE_DOCS_COMMAND}\``,
  };
}
