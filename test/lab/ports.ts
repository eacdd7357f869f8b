// Loopback ports for tests and the lab's own servers.
import net from "node:net";

/**
 * A loopback port the kernel just handed out and nothing listens on now: for a server to
 * bind a moment later (Pebble retries if another took it meanwhile), or as a port that
 * refuses connections (the kernel answers UDP there with "port unreachable" too).
 */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
