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
  /** Labelled lines flagged, with the rules that flagged them (printed with SHOW_HITS=1). */
  hits: string[];
  /** Per rule id: labelled lines it flagged (hits) and unlabelled lines it flagged (false alarms). */
  rules: Map<string, RuleScore>;
}

export interface RuleScore {
  hits: number;
  falseAlarms: number;
}

/** `files`: the other files of the script's repository at the same commit, and `self` its path there, so sourced helpers count. */
export async function scoreScript(name: string, text: string, labels: ScriptLabels, files?: ScriptFiles, self?: string): Promise<Score> {
  const findings = await destructiveFindings(text, new ScriptKnowledge(files, self));
  const byLine = new Map<number, string[]>();
  const rulesByLine = new Map<number, Set<string>>();
  for (const f of findings) {
    byLine.set(f.line, [...(byLine.get(f.line) ?? []), f.reason]);
    rulesByLine.set(f.line, (rulesByLine.get(f.line) ?? new Set<string>()).add(f.rule));
  }
  const hit = new Set<LabelledLine>();
  const falseAlarms: string[] = [];
  const hits: string[] = [];
  const rules = new Map<string, RuleScore>();
  // A rule is counted once per labelled span it hits (as precision counts spans) and once per unlabelled line.
  const ruleHits = new Set<string>();
  for (const [line, reasons] of byLine) {
    const label = labels.destructive.find((l) => line >= l.line && line <= (l.end ?? l.line));
    if (label) {
      hit.add(label);
      hits.push(`${name}:${line} [${[...(rulesByLine.get(line) ?? [])].join(',')}] ${reasons.join(' | ')}`);
    } else falseAlarms.push(`${name}:${line} [${[...(rulesByLine.get(line) ?? [])].join(',')}] ${reasons.join(' | ')}`);
    for (const rule of rulesByLine.get(line) ?? []) {
      const r = rules.get(rule) ?? { hits: 0, falseAlarms: 0 };
      if (!label) r.falseAlarms += 1;
      else if (!ruleHits.has(`${rule}@${label.line}`)) {
        ruleHits.add(`${rule}@${label.line}`);
        r.hits += 1;
      }
      rules.set(rule, r);
    }
  }
  const misses = labels.destructive.filter((l) => !hit.has(l)).map((l) => `${name}:${l.line} ${l.why}`);
  return { scripts: 1, labelled: labels.destructive.length, truePositives: hit.size, flagged: hit.size + falseAlarms.length, misses, falseAlarms, hits, rules };
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
      hits: [...a.hits, ...s.hits],
      rules: addRules(a.rules, s.rules),
    }),
    { scripts: 0, labelled: 0, truePositives: 0, flagged: 0, misses: [], falseAlarms: [], hits: [], rules: new Map<string, RuleScore>() },
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
    ...(process.env.SHOW_HITS === '1' ? s.hits.map((h) => `  hit: ${h}`) : []),
  ].join('\n');
}

function addRules(a: Map<string, RuleScore>, b: Map<string, RuleScore>): Map<string, RuleScore> {
  const sum = new Map<string, RuleScore>();
  for (const m of [a, b]) {
    for (const [rule, r] of m) {
      const s = sum.get(rule) ?? { hits: 0, falseAlarms: 0 };
      sum.set(rule, { hits: s.hits + r.hits, falseAlarms: s.falseAlarms + r.falseAlarms });
    }
  }
  return sum;
}

/**
 * Per rule id, pooled: the labelled commands it flagged and the unlabelled lines it flagged,
 * worst first (false alarms above hits). A line flagged by two rules counts for both, so the
 * columns do not add up to the set's totals.
 */
export function describeRules(title: string, s: Score): string {
  const rows = [...s.rules].sort((x, y) => y[1].falseAlarms - y[1].hits - (x[1].falseAlarms - x[1].hits) || y[1].falseAlarms - x[1].falseAlarms || x[0].localeCompare(y[0]));
  const width = Math.max(4, ...rows.map(([rule]) => rule.length));
  return [
    `${title}: per rule, hits / false alarms (pooled)`,
    ...rows.map(([rule, r]) => `  ${rule.padEnd(width)}  ${String(r.hits).padStart(4)}  ${String(r.falseAlarms).padStart(4)}${r.falseAlarms > r.hits ? '  <- more false alarms than hits' : ''}`),
  ].join('\n');
}
