// Runs over SSH and HTTP through the CLI, against a real OpenSSH sshd and a real HTTP
// server on loopback: the host key guard before anything runs, acceptance by fingerprint,
// a changed key refused always, and inputs URL-encoded into an HTTP request.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, handrailAsync, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';
import { startSshd, type SshdHandle } from '../support/sshd.js';
import { sshTargetSpec } from '../support/ssh-target.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-ssh-http-'));
const workspace = join(root, 'ws');
let sshd: SshdHandle;
let server: Server;
const seen: string[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(req.url?.startsWith('/health') ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(req.url?.startsWith('/health') ? 'ok version=1.4.2\n' : 'not found\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:
  dev:
    targets:
      app: ${sshTargetSpec(sshd, join(root, 'known_hosts'))}
`,
  );
  writeFileSync(
    join(workspace, 'remote.md'),
    '---\nid: remote\ntitle: Remote\nversion: 1.0.0\ninputs:\n  who: { type: string }\n---\n\n## Greet on the host\n\n```sh {target=app expect-output="^hello"}\necho hello {{ who }} from "$(uname -n)"\nexit 0\n```\n',
  );
  const port = (server.address() as AddressInfo).port;
  writeFileSync(
    join(workspace, 'health.md'),
    `---\nid: health\ntitle: Health\nversion: 1.0.0\ninputs:\n  pilot: { type: string }\n---\n\n## Health\n\n\`\`\`http {expect-status=200 expect-output="^ok"}\nGET http://127.0.0.1:${port}/health/{{ pilot }}?x=1\n\`\`\`\n`,
  );
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('SSH targets through the CLI', () => {
  const cli = (): CliOptions => ({ dataDir: join(root, 'data'), workspace, env: { HOME: join(root, 'home') } });

  it('refuses an unknown host key before anything runs, showing its fingerprint', () => {
    const result = handrail(['run', 'remote', '--env', 'dev', '--input', 'who=x'], cli());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(sshd.hostKeyFingerprintSha256);
    expect(result.stderr).toContain('nothing was run');
    expect(JSON.parse(handrail(['runs', '--json'], cli()).stdout)).toEqual([]);
  });

  it('runs once the operator accepts that fingerprint, and remembers it', () => {
    const accepted = handrail(
      ['run', 'remote', '--env', 'dev', '--input', "who=it's me", '--accept-host-key', sshd.hostKeyFingerprintSha256],
      cli(),
    );
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain("hello it's me from");
    expect(existsSync(join(root, 'data', 'known_hosts'))).toBe(true);
    const again = handrail(['run', 'remote', '--env', 'dev', '--input', 'who=again'], cli());
    expect(again.code, again.stderr).toBe(0);
    expect(showRun(runIdOf(again.stdout), cli()).steps[0]?.output).toMatch(/^hello again from /);
  });

  it('refuses a changed host key, always', async () => {
    await sshd.rotateHostKey();
    const result = handrail(['run', 'remote', '--env', 'dev', '--input', 'who=x', '--accept-host-key', sshd.hostKeyFingerprintSha256], cli());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('REFUSED');
    expect(result.stderr).toContain(sshd.hostKeyFingerprintSha256);
  });
});

describe('HTTP steps through the CLI', () => {
  it('URL-encodes inputs, so they cannot change the path or query', async () => {
    const cli = { dataDir: join(root, 'data-http'), workspace };
    // Not spawnSync: this process serves the HTTP requests.
    const result = await handrailAsync(['run', 'health', '--env', 'dev', '--input', 'pilot=../admin?drop=1#'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(seen.at(-1)).toBe('/health/..%2Fadmin%3Fdrop%3D1%23?x=1');
  });
});
