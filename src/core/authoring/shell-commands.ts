// A shell script as a list of top-level commands, each with its exact source text, the
// comments written above it and what it calls. The one place that knows sh-syntax
// (mvdan/sh compiled to WASM): it parses the script for real — line continuations,
// heredocs, pipelines, `&&` chains, subshells and functions stay one statement each —,
// reports syntax errors with their line and column, and tells POSIX sh from bash.
// sh-syntax's JSON tree ends at the statement, so what each statement calls is read from
// tree-sitter's bash tree of that statement (shell-calls.ts). Two parsers, each for what it
// does best: mvdan/sh's statements and error messages are bash's own (tree-sitter's bash
// grammar splits `time { a; b; }`, `coproc NAME { … }` and two heredocs on one line, and
// has no POSIX mode), while tree-sitter gives every word inside.
import { readFile } from 'node:fs/promises';
import { getProcessor, LangVariant, type Comment, type File, type ShOptions } from 'sh-syntax';
import { readBash } from './bash-syntax.js';
import { readStatement, statementEnd, type StatementCalls } from './shell-calls.js';

export type { ShellCall, ShellRedirect } from './shell-calls.js';

/** Comment lines with no blank line between them. */
export interface CommentBlock {
  /** The text after `#` (and one space), one entry per line. */
  lines: string[];
  line: number;
  endLine: number;
}

/** A top-level statement: where it stands, its comments, and what it calls (shell-calls.ts). */
export interface ShellCommand extends StatementCalls {
  /** The statement exactly as written, with its heredoc bodies. */
  text: string;
  line: number;
  endLine: number;
  /** The comments between the previous command and this one, oldest first. */
  commentsBefore: CommentBlock[];
  /** A comment after it on its own last line (`cmd # why`), or null. */
  trailingComment: string | null;
}

export interface ShellScript {
  /** `#!/bin/bash` without the `#!`, or null. */
  shebang: string | null;
  commands: ShellCommand[];
  /** Comments after the last command. */
  closingComments: CommentBlock[];
}

/** The script is not valid shell; `line` and `col` are 1-based. */
export class ShellSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${col}: ${reason}`);
    this.name = 'ShellSyntaxError';
  }
}

/** Parses a script as bash (which accepts POSIX sh too). Throws ShellSyntaxError. */
export async function parseShellScript(text: string): Promise<ShellScript> {
  const file = await parseOrExplain(text, LangVariant.LangBash);
  const index = byteToIndex(text);
  const lineAt = lineCounter(text);
  const commands: ShellCommand[] = [];
  let shebang: string | null = null;
  let previousEnd = 0;
  for (const [n, stmt] of file.Stmts.entries()) {
    const start = index(stmt.Pos.Offset);
    // A heredoc's body ends before the next statement and the comments above it.
    const next = file.Stmts[n + 1];
    const limit = next ? Math.min(index(next.Pos.Offset), ...next.Comments.map((c) => index(c.Pos.Offset))) : text.length;
    let comments = stmt.Comments;
    if (stmt.Comments[0]?.Pos.Offset === 0 && stmt.Comments[0].Text.startsWith('!')) {
      shebang = stmt.Comments[0].Text.slice(1).trim();
      comments = comments.slice(1);
    }
    const before = comments.filter((c) => index(c.Pos.Offset) < start && index(c.Pos.Offset) >= previousEnd);
    const trailing = comments.filter((c) => index(c.Pos.Offset) > start);
    // The statement alone, with its heredoc bodies (which end before `limit`) and trailing comment.
    const { extent, ...scan } = await readBash(text.slice(start, limit), (root) => ({ extent: statementEnd(root), ...readStatement(root, stmt.Pos.Line) }));
    let parsedEnd = index(stmt.End.Offset);
    // A `;` ending the statement says nothing once the statement stands alone (a `&` does).
    if (stmt.Semicolon.Line > 0 && index(stmt.Semicolon.Offset) === parsedEnd - 1 && text[parsedEnd - 1] === ';') parsedEnd--;
    const end = Math.min(limit, Math.max(parsedEnd, start + extent));
    commands.push({
      text: text.slice(start, end).trimEnd(),
      line: stmt.Pos.Line,
      endLine: lineAt(Math.max(start, end - 1)),
      commentsBefore: blocks(before),
      trailingComment: trailing.length > 0 ? trailing.map((c) => commentText(c)).join(' ') : null,
      calls: scan.calls,
      redirects: scan.redirects,
      expands: scan.expands,
      assigns: scan.assigns,
      defines: scan.defines,
      simple: scan.simple,
      pipes: scan.pipes,
    });
    previousEnd = end;
  }
  let closing = lastComments(file);
  if (closing[0]?.Pos.Offset === 0 && closing[0].Text.startsWith('!')) {
    shebang = closing[0].Text.slice(1).trim();
    closing = closing.slice(1);
  }
  return { shebang, commands, closingComments: blocks(closing) };
}

/**
 * Where the text stops being POSIX sh (arrays, `[[`-only syntax, here-strings, …), or null
 * when /bin/sh can read it all. Steps run with `sh -c`, so bash-only syntax fails there.
 */
export async function bashOnlySyntax(text: string): Promise<ShellSyntaxError | null> {
  try {
    await parseOrExplain(text, LangVariant.LangPOSIX);
    return null;
  } catch (error) {
    if (error instanceof ShellSyntaxError) return error;
    throw error;
  }
}

// sh-syntax's own `parse` compiles its 750 kB WASM module again on every call; compiled
// once, each parse only starts a fresh Go runtime (about three times faster), which the
// recorder feels on every command and import on every step it checks.
// (The project's TypeScript lib has no WebAssembly types, hence the narrow local ones.)
interface Wasm {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
let compiled: Promise<object> | undefined;
const processor = getProcessor(async (imports: object) => {
  compiled ??= readFile(new URL(import.meta.resolve('sh-syntax/main.wasm'))).then((bytes) => wasm.compile(bytes));
  return wasm.instantiate(await compiled, imports);
});
const parse = (text: string, options: ShOptions): Promise<File> => processor(text, options);

async function parseOrExplain(text: string, variant: LangVariant): Promise<File> {
  try {
    return await parse(text, { keepComments: true, variant });
  } catch (error) {
    const e = error as { Pos?: { Line: number; Col: number }; Text?: string; message?: string };
    const message = e.Text ?? e.message ?? String(error);
    // Errors without a position carry it as "LINE:COL: reason".
    const located = /^(\d+):(\d+):\s*(.*)$/s.exec(message);
    const line = e.Pos?.Line ?? Number(located?.[1] ?? 1);
    const col = e.Pos?.Col ?? Number(located?.[2] ?? 1);
    throw new ShellSyntaxError(line, col, (located?.[3] ?? message).trim());
  }
}

function lastComments(file: File): Comment[] {
  const last = (file as File & { Last?: Comment[] }).Last;
  return Array.isArray(last) ? last : [];
}

function commentText(comment: Comment): string {
  return comment.Text.replace(/^ /, '').trimEnd();
}

function blocks(comments: Comment[]): CommentBlock[] {
  const out: CommentBlock[] = [];
  for (const comment of comments) {
    const line = comment.Pos.Line;
    const current = out.at(-1);
    if (current && current.endLine === line - 1) {
      current.lines.push(commentText(comment));
      current.endLine = line;
    } else {
      out.push({ lines: [commentText(comment)], line, endLine: line });
    }
  }
  return out;
}

/** 1-based line of an index, by binary search over the line starts. */
function lineCounter(text: string): (index: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** sh-syntax counts UTF-8 bytes; JavaScript strings count UTF-16 units. */
function byteToIndex(text: string): (offset: number) => number {
  if (Buffer.byteLength(text) === text.length) return (offset) => offset;
  const map = new Map<number, number>();
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    map.set(bytes, i);
    const code = text.codePointAt(i) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++;
  }
  map.set(bytes, text.length);
  return (offset) => map.get(offset) ?? text.length;
}

