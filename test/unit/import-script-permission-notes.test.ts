// A recursive permission change is not destructive by the written label rule (nothing is
// deleted or overwritten), so an imported script's step that makes one asks for no
// confirmation; but over a system folder, or a path that starts with a variable, the draft
// carries a note so the author looks at the path.
import { describe, expect, it } from 'vitest';
import { importScript } from '../../src/core/authoring/import-script.js';

const script = (command: string): string => ['#!/bin/bash', '# Give the app its files.', command, '# List them.', 'ls -l /srv', ''].join('\n');
const firstStep = (markdown: string): string => markdown.split(/^## /m)[1] ?? '';

describe('recursive permission changes in an imported script', () => {
  it('notes one over a system folder, without asking for confirmation', async () => {
    const { markdown, warnings } = await importScript(script('chown -R app: /srv'), 'own.sh');
    expect(firstStep(markdown)).toContain('> **Note:** Line 3: `chown -R app: /srv` changes the owner of everything under /srv (chown -R): not destructive');
    expect(firstStep(markdown)).not.toMatch(/\bconfirm\b|Warning/);
    expect(warnings.some((w) => w.includes('asks for confirmation'))).toBe(false);
  });

  it("says nothing of one inside an application's own folder", async () => {
    const { markdown, warnings } = await importScript(script('chown -R postgres:postgres /var/lib/postgresql'), 'own.sh');
    expect(firstStep(markdown)).not.toMatch(/Note|confirm|Warning/);
    expect(warnings.filter((w) => w.includes('chown'))).toEqual([]);
  });
});
