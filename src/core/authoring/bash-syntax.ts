// The one place that knows tree-sitter: its bash grammar, compiled to WASM, reads the words
// inside a shell statement — command names, arguments, quoting, redirections, heredoc
// bodies, `$(…)`, backticks — into a syntax tree. sh-syntax (shell-commands.ts) decides
// where statements start and whether the script is valid; this reads what they say.
//
// Only the WASM file of tree-sitter-bash is used: its native binding is not built, and the
// WASM runs the same in the CLI, the server and Electron.
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

/** The part of a tree-sitter node the readers use (a tree-sitter `Node` is one). */
export interface SyntaxNode {
  /** Unique within its tree: the same node reached twice has the same id. */
  readonly id: number;
  readonly type: string;
  /** The source text the node spans. */
  readonly text: string;
  /** Offsets in the parsed JavaScript string. */
  readonly startIndex: number;
  readonly endIndex: number;
  /** 0-based row and column. */
  readonly startPosition: { readonly row: number; readonly column: number };
  readonly endPosition: { readonly row: number; readonly column: number };
  /** False for punctuation and keywords (`;`, `|`, `do`). */
  readonly isNamed: boolean;
  /** Inserted by the parser where the text lacks something (an unclosed heredoc's end). */
  readonly isMissing: boolean;
  /** True when this node or one inside it is a syntax error (type ERROR) or missing. */
  readonly hasError: boolean;
  readonly children: SyntaxNode[];
  readonly parent: SyntaxNode | null;
  childForFieldName(name: string): SyntaxNode | null;
  childrenForFieldName(name: string): SyntaxNode[];
}

let loading: Promise<Parser> | undefined;
let loaded: Parser | undefined;

/**
 * Loads the grammar, so readBashNow can parse without waiting. The validator is synchronous
 * (the editor, `validate` and a run's guards all call it), so they load the grammar first.
 */
export async function loadBashGrammar(): Promise<void> {
  await bashParser();
}

/** readBash for callers that cannot wait; throws if loadBashGrammar() has not finished. */
export function readBashNow<T>(text: string, read: (root: SyntaxNode) => T): T {
  if (!loaded) throw new Error('the bash grammar is not loaded yet (await loadBashGrammar() first); nothing was read');
  return readTree(loaded, text, read);
}

/**
 * Parses `text` as bash and hands the tree's root to `read`. The tree lives in WASM memory
 * and is freed when `read` returns, so `read` must copy out what it needs, not nodes.
 */
export async function readBash<T>(text: string, read: (root: SyntaxNode) => T): Promise<T> {
  return readTree(await bashParser(), text, read);
}

/**
 * `[ "$a" '<' "$b" ]` (a string comparison, the operator quoted or escaped so it is not a
 * redirect) is plain bash, but the grammar gives up on it and reads `$a` as a command name, the
 * rest of the block as its arguments. The operator is swapped for one the grammar knows, of the same
 * length (`-lt`, `-gt`, `==`), so every offset and line stays where it was and it still reads as a test.
 */
const QUOTED_COMPARISON = /(\[\s[^\]\n]*?\s)('[<>]'|"[<>]"|\\[<>])(?=\s[^\n]*?\s\])/g;

function readTree<T>(parser: Parser, text: string, read: (root: SyntaxNode) => T): T {
  const tree = parser.parse(text.replace(QUOTED_COMPARISON, (_whole, before: string, op: string) => before + (op.length === 3 ? (op.includes('<') ? '-lt' : '-gt') : '==')));
  if (!tree) throw new Error('the bash grammar returned no syntax tree (tree-sitter was stopped mid-parse); nothing was read');
  try {
    return read(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Loads the grammar once per process; a failed load is retried on the next call. */
function bashParser(): Promise<Parser> {
  loading ??= load().then((parser) => (loaded = parser)).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<Parser> {
  let path = 'tree-sitter-bash/tree-sitter-bash.wasm';
  try {
    path = createRequire(import.meta.url).resolve(path);
    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Language.load(path));
    return parser;
  } catch (error) {
    throw new Error(
      `could not load the bash grammar (${path}): ${error instanceof Error ? error.message : String(error)}; no shell text was read. ` +
        "Reinstall Handrail's dependencies (npm ci) so web-tree-sitter and tree-sitter-bash are present",
    );
  }
}
