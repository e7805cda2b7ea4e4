// An incident or ticket id bound into a run (`run --incident`, the console's set-up field, an
// alert link's `incident=`). It is printed in terminals, put in HTML reports and sent back in
// console links, so it is checked here, once, for every side: a control character could move
// a terminal's cursor or rewrite its title, and a bidirectional override (U+202E) or other
// invisible format character makes the id read differently from what it is.
export const INCIDENT_MAX_LENGTH = 128;

/** Cc: control characters (C0, DEL, C1); Cf: format characters (bidi overrides, zero-width); line and paragraph separators. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** Why `value` cannot be an incident id, in words, or null when it can. */
export function incidentProblem(value: string): string | null {
  if (value.trim() === '') return 'an incident id cannot be empty or only spaces';
  if (value !== value.trim()) return 'an incident id cannot start or end with spaces';
  if ([...value].length > INCIDENT_MAX_LENGTH) return `an incident id is at most ${INCIDENT_MAX_LENGTH} characters (this one has ${[...value].length})`;
  const bad = UNPRINTABLE.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    return `an incident id cannot hold control or invisible characters (it has U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${[...value.slice(0, bad.index)].length + 1})`;
  }
  return null;
}
