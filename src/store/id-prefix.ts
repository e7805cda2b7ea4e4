// Runs and snapshots are named by a unique prefix of their id, as git takes commit ids. One
// query, whatever the number of rows: two rows at most tell "one" from "more than one".

/** What a prefix names: the one row it matches, or how many it matches (0, or 2 for "more than one"). */
export type ByPrefix<T> = { found: T } | { found: undefined; matches: 0 | 2 };

/** A LIKE pattern matching ids that start with `prefix` literally (`%`, `_` and `\` escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The WHERE clause for "id starts with ?": LIKE finds the candidates, and the exact-case
 * comparison keeps it case-sensitive (SQLite's LIKE is not). Bind the pattern, then the prefix twice.
 */
export const ID_PREFIX_WHERE = "id LIKE ? ESCAPE '\\' AND substr(id, 1, length(?)) = ?";

export function byPrefix<T>(rows: T[]): ByPrefix<T> {
  const [first] = rows;
  if (rows.length === 1 && first !== undefined) return { found: first };
  return { found: undefined, matches: rows.length === 0 ? 0 : 2 };
}
