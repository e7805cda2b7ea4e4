import type { Problem, SourcePos } from '../contract/problem.js';

/** Collects the problems of one file; every rule reports through it. */
export class ProblemList {
  readonly items: Problem[] = [];
  // Rules that run once per dialect or environment would otherwise repeat themselves.
  private readonly seen = new Set<string>();

  constructor(readonly path: string) {}

  error(pos: SourcePos, message: string): void {
    this.add(pos, 'error', message);
  }

  warning(pos: SourcePos, message: string): void {
    this.add(pos, 'warning', message);
  }

  private add(pos: SourcePos, severity: Problem['severity'], message: string): void {
    const key = `${pos.line}:${pos.col}:${severity}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ path: this.path, line: pos.line, col: pos.col, severity, message });
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col);
}

export function formatProblem(p: Problem): string {
  return `${p.path}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** Position of `offset` in `text`, given where `text` starts in its file. */
export function positionIn(text: string, offset: number, origin: SourcePos): SourcePos {
  let line = origin.line;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return line === origin.line ? { line, col: origin.col + offset } : { line, col: origin.col + offset - lineStart };
}
