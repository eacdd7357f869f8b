// The documentation page of every DNS provider, generated from its description in the
// Terraform registry layout (docs/guides/dns-providers-<name>.md) and structured like the
// reference provider's pages, so that users find things where they are used to.

import { readFileSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DnsProviderDescription, SettingDescription } from "./description.js";
import { dnsProviders } from "./registry.js";
import { MAX_WAIT_SECONDS } from "../shared/index.js";

export const REGENERATE_DOCS_COMMAND = "npx tsx scripts/gen-docs.ts";

const FILE_PREFIX = "dns-providers-";

export function providerDocFileName(provider: Pick<DnsProviderDescription, "name">): string {
  return `${FILE_PREFIX}${provider.name}.md`;
}

/** Writes every provider's page into `guidesDir` and removes pages of providers that are gone. */
export async function writeDocs(guidesDir: string): Promise<string[]> {
  for (const stale of await stalePages(guidesDir)) await rm(join(guidesDir, stale));
  return Promise.all(
    dnsProviders.map(async (provider) => {
      const file = join(guidesDir, providerDocFileName(provider));
      await writeFile(file, renderProviderDoc(provider));
      return file;
    }),
  );
}

/** The pages in `guidesDir` that differ from what the descriptions generate (missing and stale ones included). */
export async function checkDocs(guidesDir: string): Promise<string[]> {
  const differing = await Promise.all(
    dnsProviders.map(async (provider) => {
      const file = join(guidesDir, providerDocFileName(provider));
      const committed = await readFile(file, "utf8").catch(() => undefined);
      return committed === renderProviderDoc(provider) ? [] : [file];
    }),
  );
  return [...differing.flat(), ...(await stalePages(guidesDir)).map((name) => join(guidesDir, name))];
}

async function stalePages(guidesDir: string): Promise<string[]> {
  const expected = new Set(dnsProviders.map(providerDocFileName));
  const present = await readdir(guidesDir).catch(() => []);
  return present.filter((name) => name.startsWith(FILE_PREFIX) && name.endsWith(".md") && !expected.has(name));
}

export function renderProviderDoc(provider: DnsProviderDescription): string {
  const sections = [
    frontMatter(provider),
    introduction(provider),
    example(provider),
    argumentReference(provider),
    settingsTable("Base Configuration", provider.settings.filter((setting) => setting.group === "base")),
    settingsTable("Additional Configuration", provider.settings.filter((setting) => setting.group === "additional")),
    prose(provider),
  ];
  return `${sections.filter((section) => section !== "").join("\n\n")}\n`;
}

function frontMatter(provider: DnsProviderDescription): string {
  return `---
page_title: "ACME: ${provider.displayName} DNS Challenge Provider"
subcategory: "DNS Providers"
description: |-
  ${provider.summary}
---

<!-- Generated from src/dns/${provider.name}/description.ts and ${provider.name}.md by \`${REGENERATE_DOCS_COMMAND}\`: edit those, not this file. -->`;
}

/**
 * The page's sections after the settings tables: <name>.md beside the description, as
 * lego's <name>.toml sits beside its code. `{{default NAME}}` stands for a setting's
 * default, so that the prose cannot drift from the description.
 */
function prose(provider: DnsProviderDescription): string {
  const markdown = readFileSync(new URL(`./${provider.name}/${provider.name}.md`, import.meta.url), "utf8");
  return markdown.trim().replaceAll(/\{\{default ([A-Z0-9_]+)\}\}/g, (_, name: string) => {
    const setting = provider.settings.find((candidate) => candidate.name === name);
    if (setting?.default === undefined) throw new Error(`${provider.name}.md: {{default ${name}}} names no setting with a default`);
    return String(setting.default);
  });
}

function introduction(provider: DnsProviderDescription): string {
  return `# ${provider.displayName} DNS Challenge Provider

The \`${provider.name}\` DNS challenge provider can be used to perform DNS challenges for
the [\`acme_certificate\`][resource-acme-certificate] resource with
${provider.displayName}.

[resource-acme-certificate]: ../resources/certificate.md

For complete information on how to use this provider with the \`acme_certificate\`
resource, see [here][resource-acme-certificate-dns-challenges].

[resource-acme-certificate-dns-challenges]: ../resources/certificate.md#using-dns-challenges`;
}

function example(provider: DnsProviderDescription): string {
  const body = provider.exampleHcl.replaceAll(/^/gm, "    ");
  return `## Example

\`\`\`hcl
resource "acme_certificate" "certificate" {
  ...

  dns_challenge {
${body}
  }
}
\`\`\``;
}

function argumentReference(provider: DnsProviderDescription): string {
  const fileExample = (provider.settings.find((setting) => setting.required) ?? provider.settings[0])?.name ?? "NAME";
  return `## Argument Reference

The following arguments can be either passed as environment variables, or
directly through the \`config\` block in the
[\`dns_challenge\`][resource-acme-certificate-dns-challenge-arg] argument in the
[\`acme_certificate\`][resource-acme-certificate] resource. A value in \`config\` wins over
the environment. For more details, see [here][resource-acme-certificate-dns-challenges].

[resource-acme-certificate-dns-challenge-arg]: ../resources/certificate.md#dns_challenge

In addition, arguments can also be stored in a local file, with the path
supplied by supplying the argument with the \`_FILE\` suffix (for example
\`${fileExample}_FILE\`), in \`config\` or in the environment; a trailing
newline is removed. See [here][acme-certificate-file-arg-example] for more information.

[acme-certificate-file-arg-example]: ../resources/certificate.md#using-variable-files-for-provider-arguments

${unknownKeys(provider)}`;
}

function unknownKeys({ passThroughConfig }: DnsProviderDescription): string {
  if (!passThroughConfig) return "A `config` key that is not one of the settings below is an error.";
  return `A \`config\` key starting with \`${passThroughConfig.reservedPrefix}\` that is not one of the settings below is an error. ${passThroughConfig.help}`;
}

function settingsTable(title: string, settings: readonly SettingDescription[]): string {
  if (settings.length === 0) return "";
  const rows = settings.map((setting) => [`\`${setting.name}\``, settingDescription(setting)]);
  return `## ${title}\n\n${markdownTable(["Environment Variable Name", "Description"], rows)}`;
}

function settingDescription(setting: SettingDescription): string {
  const notes = [
    setting.required ? "Required." : "",
    setting.kind === "duration-seconds" ? `At most \`${MAX_WAIT_SECONDS}\` (one day).` : "",
    setting.default !== undefined ? `Default: \`${setting.default}\`.` : "",
    setting.secret ? "Sensitive." : "",
  ];
  return [setting.help, ...notes].filter(Boolean).join(" ");
}

/** A table with padded columns, as the reference's pages have. */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
