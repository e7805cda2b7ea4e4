// Which arm of each `if`/`case` a line of a statement sits in. An installer that also
// uninstalls writes a file in its install branch and deletes it in its removal branch: only
// one of them runs, so the delete removes what an earlier run made, not what this run did.
import type { SyntaxNode } from './bash-syntax.js';

/**
 * The key suffix of the one arm of an `if` with no `elif`/`else`: no other arm excludes it, but
 * after the `if` it may not have run, so what it made may have been there before the run.
 */
export const ONLY_ARM = '@only';

/** Whether `arm` is the only arm of its `if` (ONLY_ARM). */
export function isOnlyArm(arm: string): boolean {
  return arm.endsWith(ONLY_ARM);
}

/** For each line of the statement under `root` (numbered from `firstLine`), the arms it is in, as `IF@ARM` keys. */
export function armsByLine(root: SyntaxNode, firstLine: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const visit = (node: SyntaxNode): void => {
    const arms = armsOf(node);
    if (arms.length > 1) {
      const at = new Map<number, number[]>();
      arms.forEach(([from, to], arm) => {
        for (let row = from; row <= to; row++) at.set(row, [...(at.get(row) ?? []), arm]);
      });
      // A line in two arms (`if a; then b; else c; fi` on one line) cannot be told apart.
      // `/N` after the node's place: one of its N arms always runs (an `else`, a `*)` item; see armsTaken).
      const whole = alwaysTakesAnArm(node) ? `/${arms.length}` : '';
      for (const [row, inArms] of at) if (inArms.length === 1) out.set(firstLine + row, [...(out.get(firstLine + row) ?? []), `${firstLine}+${node.startIndex}${whole}@${inArms[0]}`]);
    } else if (arms.length === 1 && node.type === 'if_statement') {
      // An `if` with no other arm: what runs in it may not run at all (see ONLY_ARM).
      const [from, to] = arms[0] ?? [0, -1];
      for (let row = from; row <= to; row++) out.set(firstLine + row, [...(out.get(firstLine + row) ?? []), `${firstLine}+${node.startIndex}${ONLY_ARM}`]);
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  return out;
}

/** Two places can both run in one pass: no `if`/`case` puts them in different arms. */
export function canRunTogether(a: readonly string[], b: readonly string[]): boolean {
  const armOf = new Map(a.map((key) => [key.slice(0, key.lastIndexOf('@')), key] as const));
  return b.every((key) => {
    const other = armOf.get(key.slice(0, key.lastIndexOf('@')));
    return other === undefined || other === key;
  });
}

/** An `if` with an `else`, a `case` with a `*)` item: one of its arms runs whatever the test says. */
function alwaysTakesAnArm(node: SyntaxNode): boolean {
  if (node.type === 'if_statement') return node.children.some((c) => c.type === 'else_clause');
  return node.type === 'case_statement' && node.children.some((c) => c.type === 'case_item' && /^\s*\(?\s*\*\s*\)/.test(c.text));
}

/**
 * Whether something done in each of the arm lists `places` surely ran by a point in `armsNow`:
 * one of the places is in no arm `armsNow` is not in, or the places between them cover every
 * arm of a node that always takes one (`cp v2.conf F` in the `then`, `cp v1.conf F` in the `else`).
 */
export function armsTaken(places: readonly (readonly string[])[], armsNow: readonly string[]): boolean {
  const keys = new Set(places.flat());
  const covered = (key: string): boolean => {
    const node = key.slice(0, key.lastIndexOf('@'));
    const count = Number(/\/(\d+)$/.exec(node)?.[1] ?? 0);
    return count > 0 && [...Array(count).keys()].every((arm) => keys.has(`${node}@${arm}`));
  };
  return places.some((arms) => arms.every((key) => armsNow.includes(key) || covered(key)));
}

/** The row ranges of a node's arms: then/elif/else bodies of an `if`, the items of a `case`. */
function armsOf(node: SyntaxNode): [number, number][] {
  if (node.type === 'case_statement') return node.children.filter((c) => c.type === 'case_item').map((c) => [c.startPosition.row, c.endPosition.row]);
  if (node.type !== 'if_statement') return [];
  const children = node.children;
  const then = children.findIndex((c) => c.type === 'then');
  if (then === -1) return [];
  const rest = children.slice(then + 1);
  const firstOther = rest.find((c) => c.type === 'elif_clause' || c.type === 'else_clause' || c.type === 'fi');
  const thenArm: [number, number] = [children[then]?.startPosition.row ?? 0, firstOther ? firstOther.startPosition.row : node.endPosition.row];
  // The arm that ends on the row the next begins (`fi` or `else` on their own rows) keeps that row only when it is its own.
  if (firstOther && firstOther.startPosition.row > thenArm[0]) thenArm[1] = firstOther.startPosition.row - 1;
  const others = rest.filter((c) => c.type === 'elif_clause' || c.type === 'else_clause').map((c) => [c.startPosition.row, c.endPosition.row] as [number, number]);
  return [thenArm, ...others];
}
