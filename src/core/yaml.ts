// The one place that knows the `yaml` package. Front matter and handrail.yml both come
// through here so every key keeps the line and column it was written at.
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { SourcePos } from '../contract/problem.js';

export interface YamlPositions {
  /** Position of each key (maps) or item (sequences), by dotted path: `inputs.pilot.type`, `environments.1`. */
  key: Map<string, SourcePos>;
  /** Position of each value, by the same paths. */
  value: Map<string, SourcePos>;
}

export type YamlResult =
  | { ok: true; value: unknown; positions: YamlPositions }
  | { ok: false; error: { pos: SourcePos; message: string } };

/**
 * Parses one YAML document. `origin` is where the text starts in its file, so positions
 * are file positions (front matter starts on line 2 of a runbook).
 */
export function parseYaml(text: string, origin: SourcePos = { line: 1, col: 1 }): YamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toPos = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + origin.line - 1, col: line === 1 ? col + origin.col - 1 : col };
  };
  const first = doc.errors[0];
  if (first) {
    return { ok: false, error: { pos: toPos(first.pos[0]), message: yamlMessage(first.code, first.message) } };
  }
  const positions: YamlPositions = { key: new Map(), value: new Map() };
  const walk = (node: Node | null | undefined, path: string): void => {
    if (!node) return;
    if (node.range) positions.value.set(path, toPos(node.range[0]));
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const childPath = join(path, String(pair.key.value));
        if (pair.key.range) positions.key.set(childPath, toPos(pair.key.range[0]));
        walk(pair.value as Node | null, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const childPath = join(path, String(i));
        const range = (item as Node | null)?.range;
        if (range) positions.key.set(childPath, toPos(range[0]));
        walk(item as Node | null, childPath);
      });
    }
  };
  walk(doc.contents as Node | null, '');
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }), positions };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return `${first.replace(/\.$/, '')}; each key may appear once`;
  return `invalid YAML: ${first.replace(/\s+at line \d+, column \d+:?$/, '')}`;
}
