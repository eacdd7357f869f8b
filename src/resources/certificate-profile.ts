// acme_certificate's `profile` against the profiles the CA lists (ACME profiles
// extension): known at plan when the profile and server_url are, from the CA's directory,
// which the provider process reads once (the engine caches it) - not a request per
// certificate, and only for plans that order one. Terraform plans each resource again,
// with every value known, right before applying it: a value unknown at first is checked
// then. (At apply the engine refuses an unlisted profile too, before ordering.)
import { error, warning, type Diagnostic } from "../plugin/index.js";
import type { OperationContext } from "../provider/index.js";
import type { AcmeProviderData } from "./provider-config.js";

type Context = OperationContext<AcmeProviderData>;

/**
 * At plan: what the CA's list says of `profile` (an error when it lists others, a warning
 * when it lists none). Nothing when a value is unknown, or when the CA cannot be asked
 * now: apply then meets the same CA and reports what it finds.
 */
export async function planProfileDiagnostics(profile: unknown, context: Context): Promise<Diagnostic[]> {
  const directoryUrl = context.provider.serverUrl;
  if (typeof profile !== "string" || profile === "" || !directoryUrl) return [];
  const { offeredProfiles, unofferedProfileProblem } = await import("../acme/index.js");
  let offered: Awaited<ReturnType<typeof offeredProfiles>>;
  try {
    offered = await offeredProfiles({ directoryUrl, caCertPem: context.provider.caCertPem, logger: context.logger }, context.signal);
  } catch (cause) {
    context.logger.debug("the CA's profiles could not be read at plan", { error: (cause as Error).message });
    return [];
  }
  if (!offered) {
    return [
      warning(
        "The CA lists no certificate profiles",
        `The CA at ${directoryUrl} lists no profiles, so the order goes without profile ${JSON.stringify(profile)} (a client must not request a profile the CA does not list) and the CA issues its usual certificate. Remove profile, or point server_url at a CA that offers it.`,
        ["profile"],
      ),
    ];
  }
  const problem = unofferedProfileProblem(profile, offered);
  if (!problem) return [];
  return [error("Unknown certificate profile", `profile: ${problem} (CA: ${directoryUrl}). Set profile to one of these, or remove it for the CA's default.`, ["profile"])];
}
