// Text from the data folder printed in a terminal: an incident id was checked when the run
// started, but the database can be edited afterwards, and an escape sequence in it would act
// on the operator's terminal (move the cursor, rewrite the title) instead of being read.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** `text` with each control or invisible character written as `\u{…}`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
