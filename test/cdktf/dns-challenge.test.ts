// Typed dns_challenge blocks: options derived from the DNS provider descriptions, so every
// described setting is reachable from the typed API, and nothing else is accepted.
import { TerraformVariable, Testing } from "cdktf";
import {
  Certificate,
  DnsChallenge,
  optionName,
  settingOptions,
  SettingSource,
  type AcmeDnsChallengeOptions,
  type DnsChallengeConfig,
  type ExecChallengeOptions,
} from "../../src/cdktf/index.js";
import { dnsProviders, findDnsProvider } from "../../src/dns/registry.js";
import { stackWithProvider } from "./support.js";

/** Each typed factory, called so that between them every option is given once. */
const typedFactories: Record<string, () => DnsChallengeConfig[]> = {
  exec: () => {
    const full: Required<ExecChallengeOptions> = {
      path: "/usr/local/bin/update-dns",
      mode: "RAW",
      pollingInterval: 1,
      propagationTimeout: 2,
      sequenceInterval: 3,
      extraEnv: { TOKEN: "t" },
    };
    return [DnsChallenge.exec(full)];
  },
  "acme-dns": () => {
    const common = { apiBase: "https://auth.example.test", allowlist: ["192.0.2.0/24"], httpTimeout: 1, pollingInterval: 2, propagationTimeout: 3 };
    const forms: AcmeDnsChallengeOptions[] = [
      { ...common, storagePath: "/etc/acme-dns.json" },
      { ...common, storageJson: "{}" },
      { ...common, credentials: {} },
    ];
    return forms.map((options) => DnsChallenge.acmeDns(options));
  },
};

test("every DNS provider has a typed factory", () => {
  expect(Object.keys(typedFactories).sort()).toEqual(dnsProviders.map((provider) => provider.name).sort());
});

test.each(dnsProviders.map((provider) => [provider.name]))("every setting of %s is reachable from its typed factory", (name) => {
  const provider = findDnsProvider(name)!;
  const challenges = typedFactories[name]!();
  const keys = new Set(challenges.flatMap((challenge) => Object.keys(challenge.config ?? {})));
  for (const challenge of challenges) expect(challenge.provider).toBe(name);
  expect(provider.settings.map((setting) => setting.name).filter((setting) => !keys.has(setting))).toEqual([]);
});

test("option names are the settings without the provider's prefix, in camelCase", () => {
  expect(Object.fromEntries(settingOptions(findDnsProvider("exec")!).map(({ option, setting }) => [option, setting.name]))).toEqual({
    mode: "EXEC_MODE",
    path: "EXEC_PATH",
    pollingInterval: "EXEC_POLLING_INTERVAL",
    propagationTimeout: "EXEC_PROPAGATION_TIMEOUT",
    sequenceInterval: "EXEC_SEQUENCE_INTERVAL",
  });
  expect(settingOptions(findDnsProvider("acme-dns")!).map(({ option }) => option)).toEqual(
    expect.arrayContaining(["apiBase", "storagePath", "storageJson", "allowlist", "httpTimeout", "pollingInterval", "propagationTimeout"]),
  );
  expect(optionName({ ...findDnsProvider("exec")!, name: "exec" }, "OTHER_SETTING")).toBe("otherSetting");
});

test("typed options become the config map: numbers as text, files as NAME_FILE, environment left out", () => {
  expect(DnsChallenge.exec({ path: "/bin/update", pollingInterval: 5, propagationTimeout: SettingSource.file("/run/secrets/timeout"), mode: SettingSource.environment() })).toEqual({
    provider: "exec",
    config: { EXEC_PATH: "/bin/update", EXEC_POLLING_INTERVAL: "5", EXEC_PROPAGATION_TIMEOUT_FILE: "/run/secrets/timeout" },
  });
});

test("acme-dns: credentials as an object are JSON, allowlist as a list is comma-separated", () => {
  const account = { username: "u", password: "p", fulldomain: "f.auth.example.test", subdomain: "f", allowfrom: [] };
  const challenge = DnsChallenge.acmeDns({ apiBase: "https://auth.example.test", credentials: { "example.test": account }, allowlist: ["192.0.2.0/24", "2001:db8::/32"] });
  expect(challenge.config).toEqual({
    ACME_DNS_API_BASE: "https://auth.example.test",
    ACME_DNS_STORAGE_JSON: JSON.stringify({ "example.test": account }),
    ACME_DNS_ALLOWLIST: "192.0.2.0/24,2001:db8::/32",
  });
});

test("tokens are kept: number tokens as references, credentials with tokens encoded by Terraform", () => {
  const stack = stackWithProvider("tokens");
  const interval = new TerraformVariable(stack, "interval", { type: "number" });
  const password = new TerraformVariable(stack, "password", { type: "string", sensitive: true });
  const networks = new TerraformVariable(stack, "networks", { type: "list(string)" });
  const exec = DnsChallenge.exec({ path: "/bin/update", pollingInterval: interval.numberValue });
  const acmeDns = DnsChallenge.acmeDns({
    apiBase: "https://auth.example.test",
    credentials: { "example.test": { username: "u", password: password.stringValue, fulldomain: "f.auth.example.test", subdomain: "f" } },
    allowlist: networks.listValue,
  });
  new Certificate(stack, "certificate", { accountKeyPem: "${var.key}", commonName: "example.test", dnsChallenge: [exec, acmeDns] });
  const json = JSON.parse(Testing.synth(stack)) as { resource: { acme_certificate: { certificate: { dns_challenge: DnsChallengeConfig[] } } } };
  const [execJson, acmeDnsJson] = json.resource.acme_certificate.certificate.dns_challenge;
  expect(execJson!.config!.EXEC_POLLING_INTERVAL).toBe("${var.interval}");
  expect(acmeDnsJson!.config!.ACME_DNS_STORAGE_JSON).toBe(
    '${jsonencode({"example.test" = {"username" = "u", "password" = var.password, "fulldomain" = "f.auth.example.test", "subdomain" = "f"}})}',
  );
  expect(acmeDnsJson!.config!.ACME_DNS_ALLOWLIST).toBe('${join(",", var.networks)}');
});

test("an unknown option is refused at once, with the known ones", () => {
  expect(() => DnsChallenge.exec({ path: "/bin/update", pollInterval: 1 } as unknown as ExecChallengeOptions)).toThrow(
    'DnsChallenge.exec: unknown option "pollInterval"; the exec DNS provider\'s options are mode, path, pollingInterval, propagationTimeout, sequenceInterval, extraEnv',
  );
  expect(() => DnsChallenge.of("route53", {})).toThrow(/unknown DNS provider "route53"; known: .*exec/);
});

test("DnsChallenge.of derives options for any described provider; raw keeps the map as given", () => {
  expect(DnsChallenge.of("exec", { path: "/bin/update", sequenceInterval: 10 })).toEqual({ provider: "exec", config: { EXEC_PATH: "/bin/update", EXEC_SEQUENCE_INTERVAL: "10" } });
  expect(DnsChallenge.raw("exec", { EXEC_PATH: "/bin/update" })).toEqual({ provider: "exec", config: { EXEC_PATH: "/bin/update" } });
  expect(DnsChallenge.raw("exec")).toEqual({ provider: "exec" });
});
