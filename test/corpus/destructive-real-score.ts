// Per-line scoring of the destructive-command detector against hand labels: a labelled command
// may span several lines (a `docker run … \` continued), so a finding anywhere in its span hits it;
// a flagged line outside every labelled span is a false alarm.
import { destructiveFindings, ScriptKnowledge, type ScriptFiles } from '../../src/core/authoring/destructive-commands.js';

export interface LabelledLine {
  line: number;
  end?: number;
  why: string;
}

export interface ScriptLabels {
  commit: string;
  destructive: LabelledLine[];
}

export interface Score {
  scripts: number;
  labelled: number;
  truePositives: number;
  flagged: number;
  misses: string[];
  falseAlarms: string[];
}

/** `files`: the other files of the script's repository at the same commit, and `self` its path there, so sourced helpers count. */
export async function scoreScript(name: string, text: string, labels: ScriptLabels, files?: ScriptFiles, self?: string): Promise<Score> {
  const findings = await destructiveFindings(text, new ScriptKnowledge(files, self));
  const byLine = new Map<number, string[]>();
  for (const f of findings) byLine.set(f.line, [...(byLine.get(f.line) ?? []), f.reason]);
  const hit = new Set<LabelledLine>();
  const falseAlarms: string[] = [];
  for (const [line, reasons] of byLine) {
    const label = labels.destructive.find((l) => line >= l.line && line <= (l.end ?? l.line));
    if (label) hit.add(label);
    else falseAlarms.push(`${name}:${line} ${reasons.join(' | ')}`);
  }
  const misses = labels.destructive.filter((l) => !hit.has(l)).map((l) => `${name}:${l.line} ${l.why}`);
  return { scripts: 1, labelled: labels.destructive.length, truePositives: hit.size, flagged: hit.size + falseAlarms.length, misses, falseAlarms };
}

export function total(scores: Score[]): Score {
  return scores.reduce(
    (a, s) => ({
      scripts: a.scripts + s.scripts,
      labelled: a.labelled + s.labelled,
      truePositives: a.truePositives + s.truePositives,
      flagged: a.flagged + s.flagged,
      misses: [...a.misses, ...s.misses],
      falseAlarms: [...a.falseAlarms, ...s.falseAlarms],
    }),
    { scripts: 0, labelled: 0, truePositives: 0, flagged: 0, misses: [], falseAlarms: [] },
  );
}

/** Precision counts flagged commands that are labelled (a labelled span hit twice counts once). */
export function precision(s: Score): number {
  return s.flagged === 0 ? 1 : s.truePositives / s.flagged;
}

export function recall(s: Score): number {
  return s.labelled === 0 ? 1 : s.truePositives / s.labelled;
}

export function describe(title: string, s: Score): string {
  return [
    `${title}: ${s.scripts} scripts, ${s.labelled} labelled destructive commands`,
    `  precision ${precision(s).toFixed(3)} (${s.truePositives} of ${s.flagged} flagged commands are labelled destructive)`,
    `  recall ${recall(s).toFixed(3)} (${s.truePositives} of ${s.labelled} labelled commands flagged)`,
    ...s.misses.map((m) => `  missed: ${m}`),
    ...s.falseAlarms.map((f) => `  false alarm: ${f}`),
  ].join('\n');
}
