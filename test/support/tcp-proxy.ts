// A TCP proxy on loopback between Handrail and a test sshd, to cut a connection the way a
// broken network does: freeze() stops forwarding on the connections open now but keeps their
// sockets open, so neither end sees a close (no FIN, no RST). When the client side dies, its
// upstream socket is kept open too, as a router that lost the path would. New connections are
// forwarded as usual; stop() closes the listener, so the host is unreachable from then on.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Stops forwarding on every connection open now; their sockets stay open. */
  freeze(): void;
  /** Refuses new connections from now on (connection refused); open ones are left as they are. */
  stopListening(): Promise<void>;
  /** Closes every socket and the listener. Idempotent. */
  close(): Promise<void>;
}

export function startTcpProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  const pairs: { client: Socket; upstream: Socket; frozen: boolean }[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect({ host, port: targetPort });
    const pair = { client, upstream, frozen: false };
    pairs.push(pair);
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (!pair.frozen) to.write(chunk);
      });
      from.on('end', () => {
        if (!pair.frozen) to.end();
      });
      from.on('close', () => {
        if (!pair.frozen) to.destroy();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  let listening = true;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('tcp proxy: no port'));
      const proxy: TcpProxy = {
        port: address.port,
        freeze() {
          for (const pair of pairs) pair.frozen = true;
        },
        stopListening() {
          // close() refuses new connections at once; its callback would wait for the frozen ones.
          if (listening) server.close();
          listening = false;
          return Promise.resolve();
        },
        async close() {
          for (const { client, upstream } of pairs.splice(0)) {
            client.destroy();
            upstream.destroy();
          }
          await proxy.stopListening();
        },
      };
      resolve(proxy);
    });
  });
}
