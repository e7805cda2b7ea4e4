// The detector measured on 34 ops scripts labelled by hand (test/fixtures/destructive-scripts,
// README there says how): per line, precision (flagged lines that are destructive) and recall
// (destructive lines that are flagged) must each be at least 0.85, and no must-not-flag line
// may be flagged. The figures and the rules that fired per category are printed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { destructiveFindings, type DestructiveFinding } from '../../src/core/authoring/destructive-commands.js';

const FOLDER = new URL('../fixtures/destructive-scripts/', import.meta.url);

interface Labels {
  destructive: Record<string, string>;
  mustNotFlag: Record<string, string>;
}

const labels = JSON.parse(readFileSync(new URL('labels.json', FOLDER), 'utf8')) as Record<string, Labels>;

describe('destructive-command detection on labelled scripts', () => {
  it('labels at least 30 scripts, each label on the line it names', () => {
    expect(Object.keys(labels).length).toBeGreaterThanOrEqual(30);
    for (const [file, label] of Object.entries(labels)) {
      const lines = readFileSync(new URL(file, FOLDER), 'utf8').split('\n');
      for (const [line, text] of [...Object.entries(label.destructive), ...Object.entries(label.mustNotFlag)]) {
        expect(lines[Number(line) - 1]?.trim(), `${file}:${line}`).toBe(text);
      }
    }
  });

  it('reaches precision and recall of at least 0.85 per line, and flags no must-not-flag line', async () => {
    let truePositives = 0;
    const falsePositives: string[] = [];
    const misses: string[] = [];
    const wronglyFlagged: string[] = [];
    const fired = new Map<string, Map<string, number>>();
    for (const [file, label] of Object.entries(labels)) {
      const findings: DestructiveFinding[] = await destructiveFindings(readFileSync(new URL(file, FOLDER), 'utf8'));
      const flagged = new Map<string, DestructiveFinding[]>();
      for (const f of findings) {
        flagged.set(String(f.line), [...(flagged.get(String(f.line)) ?? []), f]);
        const rules = fired.get(f.category) ?? new Map<string, number>();
        rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
        fired.set(f.category, rules);
      }
      for (const [line, found] of flagged) {
        if (label.destructive[line] !== undefined) truePositives++;
        else falsePositives.push(`${file}:${line} ${found.map((f) => f.reason).join(' | ')}`);
        if (label.mustNotFlag[line] !== undefined) wronglyFlagged.push(`${file}:${line} ${label.mustNotFlag[line]}`);
      }
      for (const [line, text] of Object.entries(label.destructive)) if (!flagged.has(line)) misses.push(`${file}:${line} ${text}`);
    }
    const precision = truePositives / (truePositives + falsePositives.length);
    const recall = truePositives / (truePositives + misses.length);
    const perCategory = [...fired].map(([category, rules]) => `  ${category}: ${[...rules].map(([rule, n]) => `${rule} ×${n}`).join(', ')}`);
    process.stdout.write(
      [
        `destructive-command detection on ${Object.keys(labels).length} labelled scripts:`,
        `  precision ${precision.toFixed(3)} (${truePositives} of ${truePositives + falsePositives.length} flagged lines are destructive)`,
        `  recall ${recall.toFixed(3)} (${truePositives} of ${truePositives + misses.length} destructive lines flagged)`,
        ...falsePositives.map((f) => `  false alarm: ${f}`),
        ...misses.map((m) => `  missed: ${m}`),
        'rules that fired, per category:',
        ...perCategory,
        '',
      ].join('\n'),
    );
    expect(wronglyFlagged).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.85);
    expect(recall).toBeGreaterThanOrEqual(0.85);
  });
});
