// The contract between the test lab and everything that uses it (tests, the demo, bench).
// The lab is real software from Debian packages on loopback: Pebble (ACME CA), bind9
// (authoritative DNS taking RFC 2136 updates) and unbound (the resolver Pebble and the
// provider's propagation checks use).

export interface LabDescription {
  /** ACME directory of the main Pebble, e.g. https://127.0.0.1:14000/dir */
  acmeDirectory: string;
  /** Pebble's management API base, e.g. https://127.0.0.1:15000 (roots, cert status). */
  managementUrl: string;
  /** PEM file of the CA that signed Pebble's own HTTPS certificate: NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  /** The zone bind9 serves and takes updates for, without trailing dot: "acme-tf.test". */
  zone: string;
  /** Address bind9 listens on (port 53), the zone's only NS. */
  authoritative: string;
  /** "host:port" of unbound, the recursive resolver in front of bind9. */
  resolver: string;
  /** TSIG key file usable as `nsupdate -k <file>` against `authoritative`. */
  tsigKeyFile: string;
  /** Directory holding the lab's files and logs. */
  dir: string;
  /** Address (port 53) the zone delegates `acmeDnsZone` to, for an acme-dns test server. */
  acmeDnsAddress?: string;
  /** Subzone delegated to `acmeDnsAddress`: "acmedns.acme-tf.test". */
  acmeDnsZone?: string;
}

export interface PebbleOptions {
  /** Require external account binding; the key is returned in PebbleInstance.eab. */
  eab?: boolean;
  /** PEBBLE_WFE_NONCEREJECT percentage (Pebble's default is 5). */
  nonceReject?: number;
  /** PEBBLE_AUTHZREUSE percentage (Pebble's default is 50). */
  authzReuse?: number;
}

export interface PebbleInstance {
  acmeDirectory: string;
  managementUrl: string;
  eab?: { keyId: string; hmacBase64: string };
  /**
   * Stops this Pebble and starts a new one at the same URLs (and EAB key): a CA restarted
   * with empty storage, as Pebble keeps accounts, orders and certificates in memory only.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}
