// Importing shell scripts: the draft is read back with the runbook parser and judged by the
// validator, the way `handrail validate` and the Run view would see it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importScript, NothingToImportError, ShellSyntaxError } from '../../src/core/authoring/import-script.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { runbookProblems } from '../support/validate-text.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/import');
const NO_TARGET = 'this sh step has no target; add target=NAME (e.g. {target=app}, or {target=local} for this machine) so it is clear where it runs';

async function draftOf(script: string, name = 'script.sh') {
  const imported = await importScript(script, name, { targets: ['app', 'events'] });
  const parsed = parseRunbook('draft.md', new TextEncoder().encode(imported.markdown));
  const runbook = parsed.runbook;
  if (!runbook) throw new Error(`the draft's front matter did not parse: ${JSON.stringify(parsed.problems)}\n${imported.markdown}`);
  return { ...imported, runbook, steps: runbook.steps };
}

/** Gives every sh block a target, as the author would. */
const withTargets = (markdown: string, target = 'app') =>
  markdown.replace(/^```sh( \{(.*)\})?$/gm, (_, _attrs: string | undefined, inner: string | undefined) => `\`\`\`sh {target=${target}${inner ? ` ${inner}` : ''}}`);

describe('importScript on a real-world deploy script', () => {
  const script = readFileSync(join(FIXTURES, 'deploy-app.sh'), 'utf8');

  it('makes one step per top-level command, titled by the comment above it', async () => {
    const { steps, runbook } = await draftOf(script, 'deploy-app.sh');
    expect(script.split('\n').length).toBeGreaterThanOrEqual(40);
    expect(runbook.frontMatter).toMatchObject({ id: 'deploy-app', title: 'Deploy a release of the shop app to this host', version: '1.0.0' });
    expect(steps.map((s) => s.title)).toEqual([
      'Fetch the release archive and check its checksum',
      'Check the checksum CI published beside it',
      'Unpack it beside the old releases',
      "Write the release's settings file",
      'Stop the app before switching',
      'Switch the symlink',
      'Drop the sessions of the old release',
      'systemctl start shop',
      'Remove releases older than the last three',
    ]);
    // The continuation, the heredoc, the pipelines and the && chain stay whole.
    const code = steps.map((s) => s.action?.code ?? '');
    expect(code[0]).toContain('curl -fsSL "https://artifacts.example.net/shop/shop-$RELEASE.tar.gz" \\\n  -o "incoming/shop-$RELEASE.tar.gz"');
    expect(code[1]).toMatch(/sha256sum .* \| awk .* \| grep -qx /);
    expect(code[2]).toContain('mkdir -p "releases/$RELEASE" && tar -xzf');
    expect(code[3]).toContain('cat > "releases/$RELEASE/config.env" <<CONF\nRELEASE=$RELEASE\nDATABASE=$PGDATABASE\nCONF');
    expect(steps.every((s) => s.action?.kind === 'sh')).toBe(true);
  });

  it('flags the psql DELETE with confirm, a warning and the mutates note, and leaves harmless steps alone', async () => {
    const { steps, warnings } = await draftOf(script, 'deploy-app.sh');
    const drop = steps[6];
    expect(drop?.action?.attributes.confirm).toBe(true);
    expect(drop?.prose).toContain(`> **Warning:** line 36: \`psql -v ON_ERROR_STOP=1 -c "DELETE FROM sessions WHERE release <> '$RELEASE'"\` deletes rows (DELETE sent to psql with -c).`);
    expect(drop?.prose).toMatch(/> \*\*Note:\*\* This step changes a database through `psql`\. .*a `sql` step on a database target with `mutates`/);
    expect(warnings).toContainEqual(expect.stringMatching(/^step 7 "Drop the sessions of the old release": line 36: .* deletes rows/));
    const confirmed = steps.filter((s) => s.action?.attributes.confirm).map((s) => s.title);
    // The archive unpacked is the one the script has just downloaded (`curl -o`): putting a
    // release in place, not restoring over live data, as the labelled real installers judge it
    // (twelfth round). The settings file is written whole from the script's own heredoc: the
    // program laying down its file, not flagged either (tenth round).
    expect(confirmed).toEqual([
      'Stop the app before switching',
      'Drop the sessions of the old release',
      'Remove releases older than the last three',
    ]);
    expect(steps[0]?.prose).not.toContain('Warning');
  });

  it('repeats the set-up in each step and explains set -e, pipefail and cd', async () => {
    const { steps, runbook, markdown } = await draftOf(script, 'deploy-app.sh');
    // cd, the variables and the export hold for every step, since each runs in a fresh shell.
    expect(steps[5]?.action?.code).toBe(['set -eu', 'APP_ROOT=/srv/shop', 'RELEASE={{ release }}', 'export PGDATABASE=shop', 'cd "$APP_ROOT"', 'ln -sfn "releases/$RELEASE" current'].join('\n'));
    // A step that does not use RELEASE does not get it.
    expect(steps[4]?.action?.code).toBe(['set -eu', 'APP_ROOT=/srv/shop', 'export PGDATABASE=shop', 'cd "$APP_ROOT"', 'systemctl stop shop'].join('\n'));
    expect(runbook.intro).toContain('Each step runs in a fresh shell (`sh -c`), so nothing carries over from one step to the next.');
    expect(runbook.intro).toMatch(/`set -e` \(line 6\): Handrail stops the run at the first step that fails/);
    expect(runbook.intro).toMatch(/`pipefail` \(line 6\) is a bash option that \/bin\/sh lacks: in the pipelines of steps 2 and 9/);
    expect(steps.some((s) => s.action?.code.includes('#!'))).toBe(false);
    expect(markdown).not.toMatch(/^#!/m);
    // The script's argument became a declared input.
    expect(runbook.frontMatter.inputs).toEqual({ release: { type: 'string', description: 'Argument 1 of deploy-app.sh (RELEASE)' } });
  });

  it('validates except for the targets the author must fill in, and fully once they are', async () => {
    const { markdown, steps } = await draftOf(script, 'deploy-app.sh');
    const problems = runbookProblems(markdown);
    // The drafted input takes any text: the author is told to bound it.
    const unbounded = problems.filter((p) => p.includes("warning: input 'release' is a string with no pattern"));
    expect(unbounded).toHaveLength(1);
    const errors = problems.filter((p) => !unbounded.includes(p));
    expect(errors).toHaveLength(steps.length);
    expect(errors.every((p) => p.endsWith(`: ${NO_TARGET}`))).toBe(true);
    expect(runbookProblems(withTargets(markdown))).toEqual(unbounded);
  });
});

describe('importScript', () => {
  it('keeps a cd from stopping silently when the script has no set -e', async () => {
    const { steps } = await draftOf('echo before\ncd /srv/app\n./migrate\n');
    expect(steps.map((s) => s.action?.code)).toEqual(['echo before', 'cd /srv/app || exit 1\n./migrate']);
  });

  it('brings a function into the steps that call it, and flags a step whose function destroys', async () => {
    const { steps } = await draftOf('cleanup() {\n  rm -rf "$TMPDIR/build"\n}\nmake\ncleanup\n');
    expect(steps.map((s) => s.action?.code)).toEqual(['make', 'cleanup() {\n  rm -rf "$TMPDIR/build"\n}\ncleanup']);
    expect(steps[1]?.action?.attributes.confirm).toBe(true);
    expect(steps[1]?.prose).toMatch(/Warning:\*\* line 2: `rm -rf \$TMPDIR\/build` deletes files and folders recursively/);
  });

  it('says which steps use bash-only syntax, since steps run with /bin/sh', async () => {
    const { steps } = await draftOf('#!/bin/bash\nfiles=(a b)\necho "${files[0]}"\necho plain\n');
    expect(steps[0]?.prose).toMatch(/uses bash-only syntax \(arrays are a bash.*feature\)/);
    expect(steps[1]?.prose).toBe('');
  });

  it('keeps comment text as prose without letting it start new steps', async () => {
    const { steps } = await draftOf('# Rotate the logs.\n# ## not a heading\n# Then:\n# ---\n# ```\nlogrotate -f /etc/logrotate.conf\n');
    expect(steps).toHaveLength(1);
    expect(steps[0]?.title).toBe('Rotate the logs');
    expect(steps[0]?.prose).toBe('\\## not a heading\nThen:\n\\```');
  });

  it('titles the runbook from the file name when the script has no comment, and steps from their command', async () => {
    const { runbook, steps } = await draftOf('#!/bin/sh\nuptime\ndf -h /srv\n', 'check_disk.sh');
    expect(runbook.frontMatter).toMatchObject({ id: 'check-disk', title: 'Check disk' });
    expect(steps.map((s) => s.title)).toEqual(['uptime', 'df -h /srv']);
  });

  it('drops a trap and a final exit, and says so', async () => {
    const { steps, warnings, runbook } = await draftOf('trap "rm -f /tmp/lock" EXIT\ntouch /tmp/lock\nexit 0\n');
    expect(steps.map((s) => s.action?.code)).toEqual(['touch /tmp/lock']);
    expect(runbook.intro).toContain('`trap` (line 1) is left out');
    expect(warnings).toContain('the trap on line 1 is left out: add a final step for the cleanup it did');
  });

  it('refuses a script that is not valid shell, with its line and column, or has nothing to run', async () => {
    await expect(importScript('echo ok\nif true; then\n', 'bad.sh')).rejects.toThrow(ShellSyntaxError);
    await expect(importScript('echo ok\nif true; then\n', 'bad.sh')).rejects.toMatchObject({
      line: 2,
      col: 10,
      message: 'line 2, column 10: `then` must be followed by a statement list',
    });
    await expect(importScript('# only a comment\n', 'empty.sh')).rejects.toThrow(NothingToImportError);
    await expect(importScript('set -e\nA=1\n', 'setup.sh')).rejects.toThrow(/only sets things up/);
  });
});

describe('importScript with a target named', () => {
  it('puts the target on every step, so the draft validates without edits, and drops the to-do for it', async () => {
    const imported = await importScript('# Restart the shop.\nsystemctl restart shop\n# Drop old carts.\nrm -rf /var/cache/carts\n', 'shop.sh', { target: 'app' });
    expect(imported.markdown.match(/^```sh \{target=app( confirm)?\}$/gm)).toHaveLength(2);
    expect(imported.warnings.join('\n')).not.toContain('no step has a target');
    expect(runbookProblems(imported.markdown).filter((p) => !p.includes('warning:'))).toEqual([]);
  });
});
