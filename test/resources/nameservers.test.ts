// recursive_nameservers as the reference (lego) takes them: addresses or host names, with an
// optional port; names are resolved once (the reference dials "host:port").
import { parseNameserver, resolveNameservers } from "../../src/resources/nameservers.js";

test.each([
  ["192.0.2.53", { host: "192.0.2.53" }],
  ["192.0.2.53:5353", { host: "192.0.2.53", port: 5353 }],
  ["2001:db8::53", { host: "2001:db8::53" }],
  ["[2001:db8::53]:53", { host: "2001:db8::53", port: 53 }],
  ["localhost:53", { host: "localhost", port: 53 }],
  ["dns.example.net", { host: "dns.example.net" }],
])("%s is accepted", (entry, parsed) => {
  expect(parseNameserver(entry)).toEqual(parsed);
});

test.each(["dns.example.net:99999", "192.0.2.1:port", "[dns.example.net]:53", "dns..example.net", "", "a b:53"])("%j is refused", (entry) => {
  expect(parseNameserver(entry)).toBeUndefined();
});

test("host names are resolved once to an address with the port (53 by default); addresses are kept as given", async () => {
  const [named, bare, address] = await resolveNameservers(["localhost:5353", "localhost", "192.0.2.53"]);
  expect(named).toMatch(/^(127\.0\.0\.1|\[::1\]):5353$/);
  expect(bare).toMatch(/^(127\.0\.0\.1|\[::1\]):53$/);
  expect(address).toBe("192.0.2.53");
});

test("a name that does not resolve is an error naming the entry", async () => {
  await expect(resolveNameservers(["no-such-host.invalid:53"])).rejects.toThrow(/recursive_nameservers: cannot resolve "no-such-host.invalid:53"/);
});
