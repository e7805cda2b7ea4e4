// A runs row whose incident id was edited behind Handrail's back to hold terminal escapes
// (a title rewrite, a cursor move) and a bidirectional override: every place that shows the
// run (runs, show, audit verify, the Markdown and HTML reports, the handover bundle) must
// name the row as edited and never pass those characters through raw.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-incident-forged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
writeFileSync(join(workspace, 'probe.md'), '---\nid: probe\ntitle: Probe\nversion: 1.0.0\n---\n\n## Say\n\n```sh {target=app}\necho probing\n```\n');
const cli: CliOptions = { dataDir: join(root, 'data'), workspace };

const FORGED = 'INC-2\u001b]0;pwned\u0007\u001b[2A\u202eevil\r';
/** Control characters other than tab and newline, and bidi overrides: what must never come out raw. */
const RAW = /(?![\t\n])[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('a forged incident id with escapes in the runs row', () => {
  it('is named as edited everywhere and never printed raw', () => {
    const run = handrail(['run', 'probe', '--env', 'dev', '--yes', '--incident', 'INC-1'], cli);
    expect(run.code, run.stderr).toBe(0);
    const id = runIdOf(run.stdout);
    const db = new Database(join(cli.dataDir ?? '', 'handrail.db'));
    db.prepare('UPDATE runs SET incident = ? WHERE id = ?').run(FORGED, id);
    db.close();

    for (const args of [['runs'], ['runs', '--incident', FORGED], ['show', id], ['audit', 'verify'], ['audit', 'export', '--run', id, '--format', 'md'], ['audit', 'export', '--run', id, '--format', 'html']]) {
      const result = handrail(args, cli);
      expect(result.stdout, args.join(' ')).not.toMatch(RAW);
      expect(result.stderr, args.join(' ')).not.toMatch(RAW);
      expect(result.stdout + result.stderr, args.join(' ')).toMatch(/edited|EDITED|tamper/i);
    }
    const bundle = join(root, 'bundle');
    const handover = handrail(['handover', '--since', '2020-01-01', '--out', bundle], cli);
    expect(handover.stderr).not.toMatch(RAW);
    for (const file of files(bundle)) {
      if (/\.(md|html|txt)$/.test(file)) expect(readFileSync(file, 'utf8'), file).not.toMatch(RAW);
    }
  });
});
