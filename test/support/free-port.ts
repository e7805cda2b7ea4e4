import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host` by listening on port 0, then closes the
 * listener and returns the port. Another process could take the port before the caller
 * binds it; callers that start a server should retry with a fresh port if binding fails.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
