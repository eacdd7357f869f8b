// Certificate profiles (the ACME profiles extension, draft-ietf-acme-profiles, as Let's
// Encrypt serves it): a CA lists the profiles it offers in its directory's meta.profiles
// (name -> description), an order names one in `profile`, and an unknown one is refused
// with invalidProfile. The client MUST NOT request a profile the directory does not list.

import { readDirectory, type AcmeDirectory, type DirectoryTarget } from "./client.js";

/** Profile names -> the CA's descriptions (prose or a URL). */
export type OfferedProfiles = Readonly<Record<string, string>>;

/** The profiles a directory lists; undefined when it lists none (or nothing usable). */
export function listedProfiles(directory: AcmeDirectory): OfferedProfiles | undefined {
  const profiles: unknown = directory.meta?.profiles;
  if (!profiles || typeof profiles !== "object" || Array.isArray(profiles)) return undefined;
  const entries = Object.entries(profiles).map(([name, description]) => [name, typeof description === "string" ? description : ""] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The profiles the CA at `target` lists, from its directory (read once per process and TTL). */
export async function offeredProfiles(target: DirectoryTarget, signal: AbortSignal): Promise<OfferedProfiles | undefined> {
  return listedProfiles(await readDirectory(target, signal));
}

/**
 * Why `profile` cannot be requested from a CA offering `offered`; undefined when it can,
 * or when the CA lists no profiles at all (then an order goes without one).
 */
export function unofferedProfileProblem(profile: string, offered: OfferedProfiles | undefined): string | undefined {
  // Own names only: "constructor" or "toString" are not profiles.
  if (!offered || Object.hasOwn(offered, profile)) return undefined;
  const described = Object.entries(offered).map(([name, description]) => (description ? `${name} (${shorten(description)})` : name));
  return `the CA offers no certificate profile ${JSON.stringify(profile)}; it offers: ${described.join(", ")}`;
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}
