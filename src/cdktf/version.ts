// The version constraint the constructs put in required_providers.

/** `~> 0.1.0` for 0.x versions (minor bumps may break), `~> 1.2` from 1.0 on. */
export function versionConstraint(version: string): string {
  const [major = "0", minor = "0", patch = "0"] = version.split(/[.+-]/);
  return major === "0" ? `~> 0.${minor}.${patch}` : `~> ${major}.${minor}`;
}
