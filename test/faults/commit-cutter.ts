// A TCP proxy in front of a real PostgreSQL that lets Handrail's COMMIT reach the server and
// then cuts the connection before the answer comes back: the change is committed, and the
// client cannot know it. This is the fault Jepsen calls an indeterminate commit.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CommitCutter {
  port: number;
  /** How many COMMITs were cut. */
  readonly cuts: number;
  close(): Promise<void>;
}

// Only the step's own connection (application_name 'handrail', set by the PostgreSQL target)
// is cut; pg_dump's snapshot and the test's psql go through untouched.
const HANDRAIL_STARTUP = Buffer.from('application_name\0handrail\0');
// A simple-query message ('Q', int32 length, text, NUL) carrying COMMIT.
const COMMIT_QUERY = Buffer.from('COMMIT\0');

export async function startCommitCutter(upstreamPort: number): Promise<CommitCutter> {
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let first = true;
    let handrail = false;
    let cutting = false;
    client.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        handrail = chunk.includes(HANDRAIL_STARTUP);
      }
      if (handrail && chunk.includes(COMMIT_QUERY)) cutting = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) {
        client.write(chunk);
        return;
      }
      // The server has answered the COMMIT (so it is done); the answer is dropped.
      cuts++;
      client.destroy();
      upstream.destroy();
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', () => {
      if (!cutting) end();
    });
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  return {
    port: address.port,
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
