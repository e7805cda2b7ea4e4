// A recording written as Markdown must read back as exactly the steps that were recorded,
// whatever the commands, their output and the author's prose contain.
import { describe, expect, it } from 'vitest';
import type { RecordedStep, RecordingDraft } from '../../src/contract/api.js';
import { defaultStepTitle, renderRecording, runbookIdFrom } from '../../src/app/recorder/recording-markdown.js';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { runbookProblems } from '../support/validate-text.js';

function step(command: string, extra: Partial<RecordedStep> = {}): RecordedStep {
  return {
    id: `st-${command.length}`,
    title: defaultStepTitle(command),
    command,
    target: 'app',
    prose: '',
    exampleOutput: '',
    exitCode: 0,
    durationMs: 12,
    mutates: [],
    confirm: false,
    idempotent: false,
    destructive: [],
    ...extra,
  };
}

function draft(title: string, steps: RecordedStep[]): RecordingDraft {
  return { id: 'r-1', title, environment: 'local-demo', target: 'app', operator: 'ann', startedAt: '2026-03-14T09:26:53.000Z', steps, savedPath: null };
}

describe('a recording as a runbook', () => {
  it('reads back as the recorded commands, attributes and titles, even with fences and headings inside', () => {
    const tricky = 'cat <<EOF\n```\n## not a step\nEOF';
    const markdown = renderRecording(
      draft('Deploy: the "app" # 2', [
        step('echo one', { exampleOutput: 'one', prose: '## Why\nBecause.\n# Really' }),
        step(tricky, { exampleOutput: '```\n## not a step', title: 'Heredoc ##' }),
        step('sqlite3 "$DB" "DELETE FROM events"', { mutates: ['events'], confirm: true, idempotent: true, destructive: ['DELETE in sqlite3'] }),
      ]),
      { id: 'deploy-the-app-2', acknowledged: new Set() },
    );
    const parsed = parseRunbook('rb.md', Buffer.from(markdown));
    expect(parsed.problems).toEqual([]);
    expect(parsed.runbook?.frontMatter).toMatchObject({ id: 'deploy-the-app-2', title: 'Deploy: the "app" # 2', version: '1.0.0', environments: ['local-demo'] });
    expect(parsed.runbook?.steps.map((s) => [s.title, s.action?.code, s.action?.attributes])).toEqual([
      ['echo one', 'echo one', expect.objectContaining({ target: 'app', mutates: [], confirm: false, idempotent: false })],
      ['Heredoc', tricky, expect.objectContaining({ target: 'app' })],
      [expect.any(String), 'sqlite3 "$DB" "DELETE FROM events"', expect.objectContaining({ mutates: ['events'], confirm: true, idempotent: true })],
    ]);
    expect(parsed.runbook?.steps[0]?.prose).toMatch(/### Why\n+Because\.\n+### Really/);
    expect(parsed.runbook?.steps[2]?.prose).toMatch(/\*\*Warning:\*\* this command looks destructive \(DELETE in sqlite3\)\. Handrail asks before running it\./);
    expect(runbookProblems(markdown)).toEqual([]);
  });

  it('makes ids people can type and step titles from the command', () => {
    expect(runbookIdFrom('Rotate the API key (prod)')).toBe('rotate-the-api-key-prod');
    expect(runbookIdFrom('Ärger über Ölwechsel')).toBe('arger-uber-olwechsel');
    expect(runbookIdFrom('???')).toBe('recorded-runbook');
    expect(defaultStepTitle('systemctl   restart app')).toBe('systemctl restart app');
    expect(defaultStepTitle('make \\\n  deploy')).toBe('make …');
    expect(defaultStepTitle('x'.repeat(100))).toHaveLength(72);
  });

  it('says when a command printed nothing or failed when recorded', () => {
    const markdown = renderRecording(draft('Quiet', [step('true'), step('false', { exitCode: 1, exampleOutput: 'nope' })]), { id: 'quiet', acknowledged: new Set() });
    expect(markdown).toContain('*When recorded it printed nothing (exit code 0, 12 ms).*');
    expect(markdown).toContain('Example output, as recorded (exit code 1, 12 ms):');
  });
});
