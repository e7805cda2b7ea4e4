// The `{target=app mutates expect-output="^pilot-"}` after a fence's language.
// This grammar is Handrail's own (no Markdown library parses it), so it lives here,
// small, with the column of every attribute kept for error messages.

export interface RawAttribute {
  name: string;
  /** undefined for a flag (`mutates`), the unquoted text otherwise. */
  value: string | undefined;
  /** 0-based offset of the attribute's name within the info string. */
  offset: number;
}

export type AttributeParse =
  | { ok: true; attributes: RawAttribute[] }
  | { ok: false; offset: number; message: string };

/**
 * Parses the info string after the language. `meta` is what follows the language word,
 * e.g. `{target=app expect-rows=0}`; offsets are relative to `meta`.
 */
export function parseFenceAttributes(meta: string): AttributeParse {
  const open = meta.search(/\S/);
  if (open === -1) return { ok: true, attributes: [] };
  if (meta[open] !== '{') {
    return {
      ok: false,
      offset: open,
      message: `unexpected text after the language; write attributes in braces, e.g. {target=app}`,
    };
  }
  const close = meta.lastIndexOf('}');
  if (close < open) {
    return { ok: false, offset: open, message: 'the attribute list is not closed; add } at the end of the fence line' };
  }
  const trailing = meta.slice(close + 1).search(/\S/);
  if (trailing !== -1) {
    return { ok: false, offset: close + 1 + trailing, message: 'unexpected text after the closing }' };
  }

  const attributes: RawAttribute[] = [];
  let i = open + 1;
  while (i < close) {
    if (/\s/.test(meta[i] ?? '')) {
      i++;
      continue;
    }
    const nameMatch = /^[A-Za-z][A-Za-z0-9-]*/.exec(meta.slice(i, close));
    if (!nameMatch) {
      return { ok: false, offset: i, message: `unexpected '${meta[i]}' in the attribute list; attributes look like name or name=value` };
    }
    const name = nameMatch[0];
    const start = i;
    i += name.length;
    let value: string | undefined;
    if (meta[i] === '=') {
      i++;
      const quote = meta[i];
      if (quote === '"' || quote === "'") {
        const end = meta.indexOf(quote, i + 1);
        if (end === -1 || end > close) {
          return { ok: false, offset: i, message: `the value of ${name} opens a ${quote} quote that is never closed` };
        }
        value = meta.slice(i + 1, end);
        i = end + 1;
      } else {
        const end = meta.slice(i, close).search(/\s/);
        value = end === -1 ? meta.slice(i, close) : meta.slice(i, i + end);
        i += value.length;
        if (value === '') {
          return { ok: false, offset: start, message: `${name}= has no value; write ${name}=VALUE or leave out the =` };
        }
      }
    }
    attributes.push({ name, value, offset: start });
  }
  return { ok: true, attributes };
}
