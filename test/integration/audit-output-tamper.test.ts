// Step output lives beside the chain (compressed, searchable), and the chain vouches for every
// stored chunk through a `step.output` event carrying its SHA-256: an edited, deleted or
// added chunk is named by `audit verify`, with the event that recorded it.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
/** seq of the event that vouches for each chunk, in order. */
let outputSeqs: number[];

beforeEach(async () => {
  dir = await makeTempDir('audit-output');
  const app = openAppDatabase(dir);
  try {
    const store = new RunStore(app.db);
    const source = Buffer.from('---\nid: x\n---\n');
    store.createRun({ id: 'r1', runbookId: 'x', runbookVersion: '1.0.0', runbookSha256: createHash('sha256').update(source).digest('hex'),
      runbookPath: 'x.md', runbookSource: source, environment: 'pilot', operator: 'ana', inputs: {},
      steps: [{ idx: 0, title: 'Print', kind: 'sh', target: 'local' }] });
    // As the run service records every run it creates (audit verify checks the runs row against it).
    store.appendEvent({ operator: 'ana', kind: 'run.started', runId: 'r1',
      body: { runbook: 'x', version: '1.0.0', sha256: createHash('sha256').update(source).digest('hex'), environment: 'pilot', inputs: {} } });
    store.appendOutput('r1', 0, 1, 'stdout', Buffer.from('rows deleted: 12\n'));
    store.appendOutput('r1', 0, 1, 'stderr', Buffer.from('warning: slow disk\n'));
    store.appendOutput('r1', 0, 1, 'stdout', Buffer.from('done\n'));
    store.checkpoint();
    outputSeqs = app.db.prepare("SELECT seq FROM audit_events WHERE kind = 'step.output' ORDER BY seq").pluck().all() as number[];
  } finally {
    app.close();
  }
});
afterEach(() => removeDir(dir));

function tamper(fn: (db: Database.Database) => void) {
  const db = new Database(join(dir, 'handrail.db'));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

function verify() {
  const app = openAppDatabase(dir);
  try {
    return new RunStore(app.db).audit.verify(readPublicKey(join(dir, 'keys')));
  } finally {
    app.close();
  }
}

function expectBroken(seq: number, kind: string, text: string) {
  const result = verify();
  expect(result.ok).toBe(false);
  expect(result.problems[0]).toMatchObject({ seq, kind });
  expect(result.problems[0]?.message).toContain(text);
  const cli = handrail(['audit', 'verify'], { dataDir: dir });
  expect(cli.code).toBe(3);
  expect(cli.stderr).toContain(`audit trail BROKEN at event ${seq} (${kind})`);
}

describe('audit verify over stored output', () => {
  it('records one event per stored chunk and passes while the output is untouched', () => {
    expect(outputSeqs).toHaveLength(3);
    expect(verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('names an edited chunk (recompressed, so it still reads fine)', () => {
    tamper((db) => db.prepare('UPDATE step_output SET data = ?, raw_bytes = 16 WHERE seq = 0').run(deflateRawSync(Buffer.from('rows deleted: 0\n'))));
    expectBroken(outputSeqs[0] ?? 0, 'output-edited', "chunk 0 of step 1's output (attempt 1)");
  });

  it('names a deleted chunk', () => {
    tamper((db) => db.prepare('DELETE FROM step_output WHERE seq = 1').run());
    expectBroken(outputSeqs[1] ?? 0, 'output-missing', 'was deleted');
  });

  it('names a chunk added behind the chain', () => {
    tamper((db) =>
      db.prepare("INSERT INTO step_output (run_id, idx, attempt, seq, stream, raw_bytes, data) VALUES ('r1', 0, 1, 3, 'stdout', 3, ?)")
        .run(deflateRawSync(Buffer.from('ok\n'))));
    expectBroken(outputSeqs[2] ?? 0, 'output-unrecorded', 'is not recorded in the chain');
  });
});
