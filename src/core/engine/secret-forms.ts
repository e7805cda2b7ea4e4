// The texts a secret turns into on its way to the output: encodings a step applies on
// purpose (a Basic-auth header is base64 of `user:secret`) and the quoting shells print in
// traces and variable listings. The redactor masks each of them.

/** Shorter values are not masked: they would mask half of every output. */
export const MIN_SECRET_LENGTH = 4;

export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set([
    secret,
    ...encodedForms(bytes),
    encodeURIComponent(secret),
    // application/x-www-form-urlencoded: a space is `+`, and more characters are escaped.
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    // JSON as Python's json.dumps writes it by default: non-ASCII as \uXXXX.
    JSON.stringify(secret)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ...shellForms(secret),
  ]);
  return longEnough(forms);
}

/**
 * The forms programs wrap over lines: base64 (`base64` at 76 columns, `openssl base64` and
 * PEM at 64), base64url, and hex (`xxd -p` at 60). Their characters never include a line
 * break, so a break found between two of them was put there by the wrapping.
 */
export function wrappableForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  return longEnough(new Set(encodedForms(Buffer.from(secret, 'utf8'))));
}

function encodedForms(bytes: Buffer): string[] {
  return [...base64Forms(bytes, 'base64'), ...base64Forms(bytes, 'base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
}

/**
 * A derived form can be shorter than the value it came from (a base64 middle of a short
 * value at an awkward alignment). One that short would match unrelated output and hide it,
 * while masking it protects almost nothing, so it is left out like a short value.
 */
function longEnough(forms: Set<string>): string[] {
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Base64 of a text that merely contains the secret differs from base64 of the secret alone,
 * and which way depends on where the secret starts modulo 3 bytes. For each of the three
 * alignments, keep only the characters whose 6 bits all come from the secret: those appear
 * unchanged in the base64 of any text holding the secret at that alignment. The whole
 * encoding (with and without padding) is a form too, so a value encoded alone is masked whole.
 */
function base64Forms(bytes: Buffer, encoding: 'base64' | 'base64url'): string[] {
  const whole = bytes.toString(encoding);
  const forms = [whole, whole.replace(/=+$/, '')];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding);
    forms.push(encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6)));
  }
  return forms;
}

/** The quoting bash and dash print for a value (checked against both shells in the tests). */
function shellForms(value: string): string[] {
  return [
    // bash `set -x`, `set`, ${v@Q}: 'Pa'\''ss' (the quotes around it are output's, not ours)
    value.replace(/'/g, `'\\''`),
    // dash `set`, `export -p`, Python's shlex.quote: 'Pa'"'"'ss'
    value.replace(/'/g, `'"'"'`),
    // bash `declare -p`, `export -p`: inside double quotes
    value.replace(/["$`\\]/g, '\\$&'),
    // bash printf %q: a word with each special character escaped, or $'…' with control characters
    // eslint-disable-next-line no-control-regex -- control characters are what switch bash to $'…'
    /[\x00-\x1f\x7f]/.test(value) ? ansiC(value) : value.replace(/[ !"$&'()*,;<>?[\\\]^`{|}]|^[~#]/g, '\\$&'),
  ];
}

const ANSI_C: Record<string, string> = { '\x07': 'a', '\b': 'b', '\x1b': 'E', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v', '\\': '\\', "'": "'" };

/** The inside of bash's $'…': named escapes, other control characters in octal. */
function ansiC(value: string): string {
  // eslint-disable-next-line no-control-regex -- bash escapes exactly these
  return value.replace(/[\x00-\x1f\x7f\\']/g, (c) => `\\${ANSI_C[c] ?? c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
