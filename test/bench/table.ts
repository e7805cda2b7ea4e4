// Figures, their spread and their goals. Every figure is the median of several runs with
// its min–max beside it, because on a shared machine one run says little; a ratio is taken
// run by run against a baseline measured in the same round, so both see the same load.

/** How many times each figure is measured (`--runs N`; the issue asks for at least five). */
export const settings = { runs: 5 };

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** A goal: its text as the issue states it, and whether the median meets it. */
export interface Goal {
  text: string;
  met: boolean;
}

export interface Figure {
  name: string;
  /** The median with its min–max, e.g. `1.80× (1.62–2.10)`. */
  value: string;
  baseline: string;
  /** A goal to meet, or a plain note when the figure has none (informational). */
  goal?: Goal | string;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, runs: sorted.length };
}

/** `fn` timed `runs` times, in milliseconds. */
export async function sample(fn: () => unknown, runs = settings.runs): Promise<Stats> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeMs(fn));
  return stats(times);
}

/** Subject and baseline timed alternately, so a burst of load lands on both; the ratio run by run. */
export async function paired(subject: () => unknown, baseline: () => unknown, runs = settings.runs): Promise<{ subject: Stats; baseline: Stats; ratio: Stats }> {
  const s: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(await timeMs(baseline));
    s.push(await timeMs(subject));
  }
  return { subject: stats(s), baseline: stats(b), ratio: stats(s.map((v, i) => v / b[i]!)) };
}

async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const range = (s: Stats, digits: number, scale = 1) => `${(s.min / scale).toFixed(digits)}–${(s.max / scale).toFixed(digits)}`;

/** Formatting with the spread: `123 ms (110–140)`, `1.2 s (1.1–1.4)`, `1.80× (1.62–2.10)`. */
export const show = {
  ms: (s: Stats, digits = 0) => `${s.median.toFixed(digits)} ms (${range(s, digits)})`,
  s: (s: Stats) => `${(s.median / 1000).toFixed(2)} s (${range(s, 2, 1000)})`,
  x: (s: Stats) => `${s.median.toFixed(2)}× (${range(s, 2)})`,
};

export const atMost = (s: Stats, limit: number, text = `≤ ${limit}×`): Goal => ({ text, met: s.median <= limit });
export const atLeast = (s: Stats, limit: number, text = `≥ ${limit}×`): Goal => ({ text, met: s.median >= limit });

export function printTable(figures: Figure[]): void {
  const verdict = (g: Figure['goal']) => (g === undefined || typeof g === 'string' ? '' : g.met ? 'met' : 'NOT MET');
  const rows = [
    ['figure', 'median (min–max)', 'baseline (same run)', 'goal', ''],
    ...figures.map((f) => [f.name, f.value, f.baseline, typeof f.goal === 'string' ? f.goal : (f.goal?.text ?? ''), verdict(f.goal)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, j) => cell.padEnd(widths[j]!)).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** The same table as Markdown, for the README's performance section. */
export function markdownTable(figures: Figure[]): string {
  const goal = (g: Figure['goal']) => (g === undefined ? '' : typeof g === 'string' ? g : `${g.text} (${g.met ? 'met' : '**not met**'})`);
  const lines = ['| figure | median (min–max) | baseline (same run) | goal |', '|---|---|---|---|'];
  for (const f of figures) lines.push(`| ${f.name} | ${f.value} | ${f.baseline} | ${goal(f.goal)} |`);
  return lines.join('\n');
}
