// `handrail import SCRIPT` as an author meets it: the built CLI prints the draft on stdout and
// what to fill in on stderr; `handrail validate` on the saved draft lists exactly the
// targets to fill in; filled in, the draft validates and runs for real.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, ROOT } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const DEPLOY_SCRIPT = join(ROOT, 'test/fixtures/import/deploy-app.sh');
const NO_TARGET = 'this sh step has no target; add target=NAME (e.g. {target=app}, or {target=local} for this machine) so it is clear where it runs';
const INVENTORY = `environments:
  practice:
    targets:
      app: local
      events: { sqlite: ./events.db }
`;

let scratch: string;
let workspace: string;
let cli: { dataDir: string; workspace: string; cwd: string };

beforeAll(async () => {
  scratch = await makeTempDir('import');
  workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), INVENTORY);
  cli = { dataDir: join(scratch, 'data'), workspace, cwd: workspace };
});
afterAll(() => removeDir(scratch));

/** Gives every sh block a target, as the author would. */
const withTargets = (markdown: string) => markdown.replace(/^```sh(?: \{(.*)\})?$/gm, (_, inner: string | undefined) => `\`\`\`sh {target=app${inner ? ` ${inner}` : ''}}`);

describe('handrail import', () => {
  it('prints the draft on stdout and what to fill in on stderr, exit 0', () => {
    const result = handrail(['import', DEPLOY_SCRIPT], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^---\nid: deploy-app\ntitle: Deploy a release of the shop app to this host\nversion: 1\.0\.0\n/);
    expect(result.stdout.match(/^## /gm)).toHaveLength(9);
    const warnings = result.stderr.trimEnd().split('\n');
    expect(warnings.every((line) => line.startsWith('handrail: warning: '))).toBe(true);
    // The workspace's targets are named, so the author knows what to write.
    expect(warnings[0]).toBe('handrail: warning: no step has a target yet: add target=NAME to each of the 9 sh blocks (targets in handrail.yml: app, events; or local for this machine)');
    expect(warnings).toContainEqual(expect.stringMatching(/step 7 "Drop the sessions of the old release": line 36: `psql .*DELETE FROM sessions.*` deletes rows .*; it asks for confirmation$/));
  });

  it('writes a draft that validate judges by the targets it lacks alone, and that validates once they are filled in', () => {
    const draft = handrail(['import', DEPLOY_SCRIPT], cli).stdout;
    writeFileSync(join(workspace, 'deploy-app.md'), draft);
    const before = handrail(['validate', 'deploy-app.md'], cli);
    expect(before.code).toBe(1);
    const lines = before.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('1 file checked: 9 errors, 1 warning');
    // The drafted input takes any text: the author is told to bound it.
    const unbounded = "deploy-app.md:9:3: warning: input 'release' is a string with no pattern and reaches a sh step (line 52)";
    const problems = lines.slice(0, -1).filter((line) => !line.startsWith(unbounded));
    expect(lines.slice(0, -1).filter((line) => line.startsWith(unbounded))).toHaveLength(1);
    expect(problems).toHaveLength(9);
    for (const line of problems) expect(line).toMatch(new RegExp(`^deploy-app\\.md:\\d+:1: ${NO_TARGET.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));

    writeFileSync(join(workspace, 'deploy-app.md'), withTargets(draft));
    const after = handrail(['validate', 'deploy-app.md'], cli);
    expect(after.stdout.trim().split('\n').at(-1)).toBe('1 file checked: valid (1 warning)');
    expect(after.code).toBe(0);
  });

  it('imports a script whose draft, given a target, runs for real with cd and the argument carried into each step', async () => {
    const script = join(scratch, 'prepare.sh');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        '# Prepare a practice release folder.',
        'set -eu',
        'ROOT="${1:?usage: prepare.sh FOLDER}"',
        'cd "$ROOT"',
        '',
        '# Create the release folder.',
        'mkdir -p releases/1.0.0',
        '',
        '# Mark it ready.',
        'echo ready > releases/1.0.0/STATUS',
        '',
        '# Show what is there.',
        'ls releases && cat releases/1.0.0/STATUS',
        '',
      ].join('\n'),
    );
    const imported = handrail(['import', script], cli);
    expect(imported.code, imported.stderr).toBe(0);
    // The file is written whole from the script's own text into a folder it just made sure of:
    // the program laying down its file, not a loss, so no warning.
    expect(imported.stderr).not.toContain('overwrites releases/1.0.0/STATUS');
    writeFileSync(join(workspace, 'prepare.md'), withTargets(imported.stdout));

    const target = join(scratch, 'target-folder');
    mkdirSync(target);
    const run = handrail(['run', 'prepare.md', '--env', 'practice', '--yes', '--input', `root=${target}`], cli);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(target, 'releases/1.0.0/STATUS'), 'utf8')).toBe('ready\n');
    expect(run.stdout).toContain('ready');
  });

  it('refuses a missing file, a folder and a script that is not shell with one line and exit 2', () => {
    const missing = handrail(['import', join(scratch, 'nope.sh')], cli);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe(`handrail: cannot read ${join(scratch, 'nope.sh')}: there is no such file; nothing was imported\n`);

    const folder = handrail(['import', scratch], cli);
    expect(folder).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `handrail: ${scratch} is a folder: to import the Markdown pages in it, add --out FOLDER for the drafts (one file per page); to import a shell script, give its path; nothing was imported\n`,
    });

    const bad = join(scratch, 'bad.sh');
    copyFileSync(DEPLOY_SCRIPT, bad);
    writeFileSync(bad, `${readFileSync(bad, 'utf8')}\nif [ -d releases ]; then\n  echo "unclosed\n`);
    const broken = handrail(['import', bad], cli);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toBe(
      'handrail: cannot import bad.sh: it is not valid shell at line 43, column 8 (reached EOF without closing quote `"`); nothing was imported. Fix the script (bash -n bad.sh shows the same) and import it again\n',
    );
  });
});
