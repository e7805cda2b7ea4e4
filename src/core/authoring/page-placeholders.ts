// What a page asks the reader to fill in — `<pod-name>`, `[cluster]`, `YOUR_TOKEN`, or a
// `$NAMESPACE` nothing on the page sets — becomes a declared input. The literal forms are
// replaced before the shell is parsed (`<pod-name>` would otherwise be read as a redirect
// from a file named `pod-name`); variables after, once the whole page says which ones it
// sets. Each becomes Handrail's `{{ name }}`, which the engine turns into a variable
// reference and never into script text. Where a reference would not mean the value (inside
// single quotes, `sh -c '…'`, arithmetic), the placeholder is moved: out of the quotes
// (`'a'"{{ x }}"'b'`), or into an exported variable set at the top of the step.
import { readShellInputs } from '../engine/shell-placeholders.js';

export interface PageInput {
  name: string;
  description: string;
  secret: boolean;
}

/** A piece of a block's code: text as written, or a placeholder and the text it stood for. */
type Piece = string | { name: string; original: string; variable: string | null; requoted?: boolean };

const ANGLE = /<([A-Za-z][\w .:/-]{0,60}?[\w])>/g;
const BRACKET = /(?<=^|[\s=/:"'])\[([A-Za-z][\w-]{2,40})\](?=$|[\s/:"'.])/gm;
const YOURS = /(?<![\w${])(?:YOUR|MY)_[A-Z0-9_]*[A-Z0-9](?!\w)/g;
const WHOLE_VALUE = /\b([A-Za-z_]\w*)=(['"]?)<([^<>\n]{1,80})>\2(?=\s|;|$)/g;
const SECRET = /token|password|passwd|secret|api_?key|credential/i;

/** `<Pod Name>` → `pod_name`: an input name (lowercase letters, digits, `_`). */
export function inputNameFor(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  if (name === '') return 'value';
  return /^[0-9]/.test(name) ? `v_${name}` : name;
}

function input(name: string, description: string): PageInput {
  return { name, description, secret: SECRET.test(name) };
}

/**
 * Replaces the literal placeholders of `code` with `{{ name }}`. `VAR='<what>'` gives the
 * input VAR's name (lowercased), since that is the name the page's later commands use.
 */
export function replaceLiteralPlaceholders(code: string): { code: string; inputs: PageInput[] } {
  const inputs = new Map<string, PageInput>();
  const add = (name: string, description: string) => {
    if (!inputs.has(name)) inputs.set(name, input(name, description));
    return `{{ ${name} }}`;
  };
  let out = code.replace(WHOLE_VALUE, (_m, variable: string, _q: string, what: string) => `${variable}=${add(inputNameFor(variable), `${what.trim()} (the page's <${what.trim()}>)`)}`);
  out = out.replace(ANGLE, (m: string, what: string, offset: number, all: string) => (all[offset - 1] === '<' || all[offset + m.length] === '>' ? m : add(inputNameFor(what), `the page's <${what}>`)));
  out = out.replace(BRACKET, (_m, what: string) => add(inputNameFor(what), `the page's [${what}]`));
  out = out.replace(YOURS, (m: string) => add(inputNameFor(m.replace(/^(YOUR|MY)_/, '')), `the page's ${m}`));
  return { code: out, inputs: [...inputs.values()] };
}

/**
 * Go templates (`-o go-template='{{.status}}'`) look like Handrail placeholders; an empty
 * pair of quotes between the braces (`{''{`) keeps the shell's word the same and the
 * placeholder reader off it. The quote state decides which quotes mean nothing where they stand.
 */
export function splitTemplateBraces(code: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] ?? '';
    if (c === '\\' && quote !== "'") {
      out += c + (code[i + 1] ?? '');
      i++;
      continue;
    }
    if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (quote === c) quote = null;
    out += c;
    if ((c === '{' && code[i + 1] === '{') || (c === '}' && code[i + 1] === '}')) out += quote === '"' ? '""' : "''";
  }
  return out;
}

const SHELL_OWN = new Set([
  'HOME', 'PATH', 'USER', 'LOGNAME', 'LANG', 'TERM', 'TZ', 'PWD', 'OLDPWD', 'SHELL', 'HOSTNAME', 'RANDOM', 'SECONDS', 'LINENO',
  'UID', 'EUID', 'PPID', 'IFS', 'OSTYPE', 'REPLY', 'PIPESTATUS', 'FUNCNAME', 'OPTARG', 'OPTIND', 'SHLVL', 'HOSTTYPE', 'MACHTYPE', 'EPOCHSECONDS',
]);

/** A variable the step's own shell or Handrail provides, which the page need not set. */
export function providedByShell(name: string): boolean {
  return !/^[A-Za-z_]\w*$/.test(name) || SHELL_OWN.has(name) || /^(BASH|LC_|HR_IN_)/.test(name);
}

/** The variables a block sets: assignments anywhere, `read`, `for NAME in`, `export`/`local`/`declare`. */
export function variablesSet(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)\+?=/g)) names.add(m[1] ?? '');
  for (const m of code.matchAll(/\b(?:for|select)\s+([A-Za-z_]\w*)\s+in\b/g)) names.add(m[1] ?? '');
  for (const m of code.matchAll(/\bread\s+((?:-\w+\s+(?:[^-\s]\S*\s+)?)*)([A-Za-z_][\w ]*)/g)) for (const n of (m[2] ?? '').trim().split(/\s+/)) names.add(n);
  for (const m of code.matchAll(/\bexport\s+((?:[A-Za-z_]\w*\s*)+)(?:$|[;&|])/gm)) for (const n of (m[1] ?? '').trim().split(/\s+/)) names.add(n);
  names.delete('');
  return [...names];
}

export interface PlacedVariables {
  code: string;
  /** Variables set at the top of the step from an input, because a use could not hold a placeholder. */
  exported: string[];
}

/**
 * Puts `{{ name }}` where the page wrote `$VAR` or `${VAR}` for each variable in `inputs`
 * (VAR → its input name), and repairs placeholders the input rule refuses where they
 * stand. `code` may already hold `{{ name }}` from the literal placeholders.
 */
export function placeInputs(code: string, inputs: Map<string, string>): PlacedVariables {
  const pieces = toPieces(code, inputs);
  const exported = new Set<string>();
  for (let round = 0; round < 3; round++) {
    const { text, offsets } = render(pieces);
    const refused = readShellInputs(text).refused;
    if (refused.length === 0) break;
    for (const r of refused) {
      const at = offsets.indexOf(r.offset);
      const piece = pieces[at];
      if (at === -1 || piece === undefined || typeof piece === 'string') continue;
      if (piece.variable !== null) {
        pieces[at] = piece.original; // a use the rule refuses keeps the page's own text …
        exported.add(piece.variable); // … and the variable is set from the input first
      } else if (/single quotes/.test(r.where) && !piece.requoted) {
        pieces[at] = { ...piece, requoted: true };
      } else {
        const variable = piece.name.toUpperCase();
        pieces[at] = `\${${variable}}`;
        exported.add(variable);
      }
    }
  }
  // Forms a placeholder cannot stand for (`${NS:-default}`, `${#NS}`) read the variable too.
  const { text } = render(pieces);
  for (const [variable] of inputs) {
    if (new RegExp(`\\$\\{?#?${variable}(?![\\w])`).test(text)) exported.add(variable);
  }
  return { code: text, exported: [...exported] };
}

function toPieces(code: string, inputs: Map<string, string>): Piece[] {
  const names = [...inputs.keys()];
  const pattern = new RegExp(`\\{\\{\\s*([a-z_][a-z0-9_]*)\\s*\\}\\}${names.length > 0 ? `|\\$(?:\\{(${names.join('|')})\\}|(${names.join('|')})(?![\\w]))` : ''}`, 'g');
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of code.matchAll(pattern)) {
    pieces.push(code.slice(at, m.index));
    const variable = m[2] ?? m[3];
    pieces.push(variable ? { name: inputs.get(variable) ?? '', original: m[0], variable } : { name: m[1] ?? '', original: m[0], variable: null });
    at = m.index + m[0].length;
  }
  pieces.push(code.slice(at));
  return pieces;
}

/** The code with each placeholder piece as `{{ name }}` (or as repaired), and where each piece starts. */
function render(pieces: Piece[]): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      offsets.push(-1);
      text += piece;
      continue;
    }
    const placeholder = `{{ ${piece.name} }}`;
    const requoted = piece.requoted === true;
    offsets.push(text.length + (requoted ? 2 : 0));
    text += requoted ? `'"${placeholder}"'` : placeholder;
  }
  return { text, offsets };
}
