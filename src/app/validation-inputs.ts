// Everything `handrail validate` reads from disk goes through one reader: which paths exist,
// which runbooks a folder holds, the handrail.yml a runbook is judged against, the bytes of
// each file and of the allowed_signers files an inventory names. The verdict is a function
// of what these reads return, so a recording of them (what was asked, a digest of the
// answer) is what a kept verdict must be checked against before it may be printed again.
// No parser here: replaying the reads of an unchanged workspace loads none.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { INVENTORY_FILE } from '../core/inventory/inventory-file.js';
import { findRunbookFiles, readSource } from './workspace-files.js';

export type PathKind = 'absent' | 'dir' | 'file';

export interface WorkspaceReader {
  kind(path: string): Promise<PathKind>;
  runbookFiles(dir: string): Promise<string[]>;
  /** The handrail.yml of the folder (or the nearest one above it). */
  nearestInventory(dir: string): Promise<string | undefined>;
  source(path: string): Promise<[Uint8Array, number]>;
  /** A file read as UTF-8 text; throws the file system's error. */
  text(path: string): Promise<string>;
}

export const diskReader: WorkspaceReader = {
  async kind(path) {
    const info = await stat(path).catch(() => undefined);
    return !info ? 'absent' : info.isDirectory() ? 'dir' : 'file';
  },
  runbookFiles: findRunbookFiles,
  async nearestInventory(dir) {
    for (let current = dir; ; current = dirname(current)) {
      const candidate = join(current, INVENTORY_FILE);
      if (await stat(candidate).catch(() => undefined)) return candidate;
      if (dirname(current) === current) return undefined;
    }
  },
  source: readSource,
  text: (path) => readFile(path, 'utf8'),
};

type Operation = keyof WorkspaceReader;

interface Answers {
  kind: PathKind;
  runbookFiles: string[];
  nearestInventory: string | undefined;
  source: [Uint8Array, number];
  text: string;
}

/** One read: the operation, its path, and a digest of what it returned (or of how it failed). */
export type RecordedRead = [Operation, string, string];

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** What each read returned, reduced to what the verdict can depend on. */
const digests: { [Op in Operation]: (value: Answers[Op]) => string } = {
  kind: (kind) => kind,
  runbookFiles: (files) => JSON.stringify(files),
  nearestInventory: (path) => path ?? '',
  source: ([bytes, size]) => `${size}:${sha256(bytes)}`,
  text: (text) => `text:${sha256(text)}`,
};

// The approvers check words a file it cannot read by the error's code: the code is part of the verdict.
const failedRead = (error: unknown) => `error:${(error as NodeJS.ErrnoException).code ?? String(error)}`;

async function read<Op extends Operation>(reader: WorkspaceReader, op: Op, path: string): Promise<{ value: Answers[Op]; digest: string }> {
  const value = (await reader[op](path)) as Answers[Op];
  return { value, digest: digests[op](value) };
}

/**
 * A reader that answers from disk and notes each read with the digest of the very answer the
 * judge got, so a file edited while it was judged is never kept under its later content.
 */
export function recordingReader(): { reader: WorkspaceReader; reads: () => RecordedRead[] } {
  const reads = new Map<string, RecordedRead>();
  const recorded = <Op extends Operation>(op: Op) => async (path: string): Promise<Answers[Op]> => {
    try {
      const { value, digest } = await read(diskReader, op, path);
      reads.set(`${op}\0${path}`, [op, path, digest]);
      return value;
    } catch (error) {
      if (op === 'text') reads.set(`${op}\0${path}`, [op, path, failedRead(error)]);
      throw error;
    }
  };
  const reader: WorkspaceReader = {
    kind: recorded('kind'),
    runbookFiles: recorded('runbookFiles'),
    nearestInventory: recorded('nearestInventory'),
    source: recorded('source'),
    text: recorded('text'),
  };
  return { reader, reads: () => [...reads.values()] };
}

/** Whether every read gives today what it gave when recorded. A read that fails now (other than as recorded) is a change. */
export async function unchangedReads(reads: RecordedRead[]): Promise<boolean> {
  const now = await Promise.all(
    reads.map(([op, path]) =>
      read(diskReader, op, path).then(
        (r) => r.digest,
        (error: unknown) => (op === 'text' ? failedRead(error) : undefined),
      ),
    ),
  );
  return reads.every(([, , digest], i) => now[i] === digest);
}
