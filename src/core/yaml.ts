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

/** Where a top-level key's plain or quoted scalar is written, so an edit can replace just it. */
export interface ScalarSpan {
  start: number;
  end: number;
  quote: '' | '"' | "'";
}

/**
 * The span of `key`'s value in a YAML mapping, or undefined when the text does not parse or
 * the value is not a one-line scalar (a block scalar or a map cannot be edited in place).
 */
export function topLevelScalarSpan(text: string, key: string): ScalarSpan | undefined {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  const value = pair?.value;
  if (!isScalar(value) || !value.range) return undefined;
  const quote = value.type === 'QUOTE_DOUBLE' ? '"' : value.type === 'QUOTE_SINGLE' ? "'" : value.type === 'PLAIN' ? '' : undefined;
  if (quote === undefined) return undefined;
  return { start: value.range[0], end: value.range[1], quote };
}
