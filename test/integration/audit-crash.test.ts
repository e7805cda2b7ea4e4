// kill -9 in the middle of a burst of appends: every seq the child saw acknowledged (printed
// after appendEvent returned) is still there, and the chain verifies. 30 rounds on one database.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { ROOT, handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

// The compiled store when `npm run build` made one (starts fast), else the sources through tsx.
const compiled = existsSync(join(ROOT, 'dist/store/run-store.js'));
const moduleUrl = (name: string) => pathToFileURL(join(ROOT, compiled ? `dist/store/${name}.js` : `src/store/${name}.ts`)).href;

const CHILD = `
import { writeSync } from 'node:fs';
const { openAppDatabase } = await import(${JSON.stringify(moduleUrl('open-database'))});
const { RunStore } = await import(${JSON.stringify(moduleUrl('run-store'))});
const store = new RunStore(openAppDatabase(process.argv[1]).db);
writeSync(1, 'ready\\n');
for (let i = 0; ; i++) {
  const seq = store.appendEvent({ operator: 'crash', kind: 'test.burst', runId: null, body: { i, pad: 'x'.repeat(i % 300) } });
  writeSync(1, seq + '\\n');
  if (i % 9 === 0) store.checkpoint();
}
`;

/** Runs one child until a random moment 50–200 ms after it is ready, then kill -9; returns the acknowledged seqs. */
function burst(dir: string): Promise<number[]> {
  const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), '--input-type=module', '-e', CHILD, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (!out.includes('ready\n') && (out + d.toString()).includes('ready\n')) {
        setTimeout(() => child.kill('SIGKILL'), 50 + Math.random() * 150);
      }
      out += d.toString();
    });
    child.once('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`the child ended by itself (${signal ?? _code}): ${err}`));
      // A line cut by the kill was not acknowledged: only whole lines count.
      resolve(out.split('\n').slice(0, -1).filter((l) => /^\d+$/.test(l)).map(Number));
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('audit-crash');
});
afterAll(() => removeDir(dir));

describe('audit chain under kill -9', () => {
  it('keeps every acknowledged event and a verifiable chain, 30 rounds', async () => {
    let total = 0;
    for (let round = 0; round < 30; round++) {
      const acknowledged = await burst(dir);
      const app = openAppDatabase(dir);
      try {
        const store = new RunStore(app.db);
        const present = new Set(app.db.prepare('SELECT seq FROM audit_events').pluck().all() as number[]);
        const lost = acknowledged.filter((seq) => !present.has(seq));
        expect(lost, `round ${round}: acknowledged but missing`).toEqual([]);
        const result = store.audit.verify(readPublicKey(join(dir, 'keys')));
        expect(result.problems, `round ${round}`).toEqual([]);
        expect(result.events).toBeGreaterThanOrEqual(total + acknowledged.length);
        total = result.events;
      } finally {
        app.close();
      }
    }
    expect(total).toBeGreaterThan(30);
    const cli = handrail(['audit', 'verify'], { dataDir: dir });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
  }, 120_000);
});
