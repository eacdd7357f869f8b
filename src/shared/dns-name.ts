// What counts as a DNS name where users write one (certificate names, acme-dns domains and
// credentials keys): letters, digits and hyphens, underscores inside non-final labels (as
// in _acme-challenge), labels of at most 63 characters, at most 253 characters in all.

const NAME = /^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Whether `name` is a DNS name without trailing dot; `wildcard` allows a leading "*." label. */
export function isDnsName(name: string, options: { wildcard?: boolean } = {}): boolean {
  const bare = options.wildcard && name.startsWith("*.") ? name.slice(2) : name;
  return name.length <= 253 && NAME.test(bare);
}
