// The exec provider made from a dns_challenge block's resolved settings.

import type { Environment } from "../description.js";
import type { DnsProviderFactory } from "../dns-provider.js";
import { MODE, PATH, POLLING_INTERVAL, PROPAGATION_TIMEOUT, SEQUENCE_INTERVAL } from "./description.js";
import { ExecProvider } from "./provider.js";

export const createExecProvider: DnsProviderFactory = (settings, { env, logger }) =>
  new ExecProvider(
    {
      program: settings.requiredText(PATH),
      raw: settings.text(MODE) === "RAW",
      propagationTimeoutSeconds: settings.givenSeconds(PROPAGATION_TIMEOUT),
      pollingIntervalSeconds: settings.givenSeconds(POLLING_INTERVAL),
      sequenceIntervalSeconds: settings.seconds(SEQUENCE_INTERVAL),
      env: { ...definedOnly(env), ...settings.asEnvironment() },
    },
    logger.child({ dns_provider: "exec" }),
  );

function definedOnly(env: Environment): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
