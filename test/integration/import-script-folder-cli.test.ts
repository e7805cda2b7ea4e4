// `handrail import FOLDER --out DRAFTS` on a folder of shell scripts, as an author meets it:
// each script becomes a draft, a helper that only defines functions is skipped, and a
// destructive command reached through a function of a sourced helper (a wrapper that hands
// its arguments to `sed`) is flagged in the draft, which the same script imported alone,
// without its helper, cannot show.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let scratch: string;
let scripts: string;
let cli: { dataDir: string; workspace: string; cwd: string };

beforeAll(async () => {
  scratch = await makeTempDir('import-script-folder');
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  practice:\n    targets:\n      mail: local\n');
  cli = { dataDir: join(scratch, 'data'), workspace, cwd: workspace };
  scripts = join(scratch, 'scripts');
  mkdirSync(join(scripts, 'lib'), { recursive: true });
  writeFileSync(join(scripts, 'lib', 'conf.sh'), ['#!/bin/bash', '# Helpers for the mail scripts.', 'function edit_conf() {', '  echo "editing ${*: -1}"', '  sed "$@"', '}', ''].join('\n'));
  writeFileSync(
    join(scripts, 'set-port.sh'),
    ['#!/bin/bash', '# Move the mail relay to port 2525.', 'set -eu', 'source "$(dirname "$0")/lib/conf.sh"', '', '# Point the relay at the new port.', "edit_conf -i 's/^port=.*/port=2525/' /etc/mail/relay.conf", '', '# Show the setting.', 'grep ^port= /etc/mail/relay.conf', ''].join('\n'),
  );
});
afterAll(() => removeDir(scratch));

describe('handrail import FOLDER of shell scripts', () => {
  it('writes a draft per script, skips the helper, and flags the in-place edit made through the helper', () => {
    const out = join(scratch, 'drafts');
    const result = handrail(['import', scripts, '--out', out, '--target', 'mail'], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`set-port.sh -> ${join(out, 'set-port.md')} (2 runnable`);
    expect(result.stderr).toContain('handrail: lib/conf.sh: skipped: it only sets things up');
    expect(result.stderr).toMatch(/handrail: warning: set-port\.sh: step 1 "Point the relay at the new port": line 7: `edit_conf -i .*` edits \/etc\/mail\/relay\.conf in place, overwriting what was there; it asks for confirmation/);
    const draft = readFileSync(join(out, 'set-port.md'), 'utf8');
    const edit = draft.split(/^## /m).find((s) => s.startsWith('Point the relay'));
    expect(edit).toMatch(/^```sh \{[^}]*confirm/m);
    const show = draft.split(/^## /m).find((s) => s.startsWith('Show the setting'));
    expect(show).not.toMatch(/confirm/);
  });

  it('cannot see the edit when the same script is imported alone, without its helper', () => {
    const result = handrail(['import', join(scripts, 'set-port.sh'), '--target', 'mail'], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('relay.conf in place');
  });
});
