// `handrail validate` judges every runbook with the Markdown, SQL and shell parsers: about a
// second of CPU before the first line on the demo workspace. Its verdict is a function of the
// bytes and paths it reads (validation-inputs.ts records each read with a digest of what it
// returned), of where the operator stands and what they named, and of Handrail's own code;
// kept in the data folder under these, an unchanged workspace is validated again by replaying
// the reads, without a parser. What the data folder's version store says is never kept: a
// version recorded since is checked at every run, so the kept verdict holds each runbook's
// identity (id, version, SHA-256) in the place its problem would be.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Problem } from '../contract/problem.js';
import { codeStamp } from './code-stamp.js';
import { recordingReader, unchangedReads, type RecordedRead } from './validation-inputs.js';
import type { RunbookIdentity } from './version-check.js';
import type { Display, ValidationReport } from './workspace.js';

const CACHE_FILE = join('cache', 'validate.json');
/** Verdicts kept: one per workspace, folder stood in and paths named that an operator uses. */
const KEPT = 16;
const CODE = ['validate-cache', 'validation-inputs', 'workspace', 'workspace-files', 'approvers-problems', 'paths', 'errors', 'version-check'];

/** A problem, or the place where the version store's check of this runbook reports. */
type Item = { problem: Problem } | { recorded: RunbookIdentity };

interface Verdict {
  key: string;
  reads: RecordedRead[];
  files: number;
  items: Item[];
}

export type VersionCheck = (runbook: RunbookIdentity) => Problem[];

/** The same report as validatePaths (workspace.ts), from the data folder when nothing it read has changed. */
export async function validatePathsCached(paths: string[], workspace: string, display: Display, dataDir: string, check?: VersionCheck): Promise<ValidationReport> {
  // Without a data folder there is nowhere to keep it, and validating must not create one.
  const usable = (await stat(dataDir).catch(() => undefined))?.isDirectory() === true;
  const path = join(dataDir, CACHE_FILE);
  const key = await keyOf(paths, workspace, display);
  const kept = usable ? await readVerdicts(path) : [];
  const hit = kept.find((v) => v.key === key);
  const verdict = hit && (await unchangedReads(hit.reads)) ? hit : await judge(paths, workspace, display, key);
  if (usable && verdict !== hit) await writeVerdicts(path, [verdict, ...kept.filter((v) => v.key !== key)].slice(0, KEPT));
  return { files: verdict.files, problems: verdict.items.flatMap((item) => ('problem' in item ? [item.problem] : (check?.(item.recorded) ?? []))) };
}

async function judge(paths: string[], workspace: string, display: Display, key: string): Promise<Verdict> {
  const { validatePaths } = await import('./workspace.js');
  const { reader, reads } = recordingReader();
  // The version check's problem is at the runbook's `version` key (1:1 without one): a
  // placeholder there is sorted exactly where that problem would be, and stands for it.
  const placeholders = new Map<Problem, RunbookIdentity>();
  const placeholder = (runbook: RunbookIdentity): Problem[] => {
    const identity: RunbookIdentity = { path: runbook.path, sha256: runbook.sha256, frontMatter: { id: runbook.frontMatter.id, version: runbook.frontMatter.version }, keyPos: { version: runbook.keyPos.version } };
    const at = identity.keyPos.version ?? { line: 1, col: 1 };
    const problem: Problem = { path: identity.path, line: at.line, col: at.col, severity: 'error', message: '' };
    placeholders.set(problem, identity);
    return [problem];
  };
  const report = await validatePaths(paths, workspace, display, placeholder, reader);
  const items = report.problems.map((problem): Item => {
    const identity = placeholders.get(problem);
    return identity ? { recorded: identity } : { problem };
  });
  return { key, reads: reads(), files: report.files, items };
}

async function keyOf(paths: string[], workspace: string, display: Display): Promise<string> {
  // `~/` in handrail.yml is the home folder; problems are sorted in the locale's order; a
  // signer's local time is read in this time zone. Read from where ICU takes them, not
  // through Intl, whose first use costs tens of milliseconds of a start-up.
  const env = ['LC_ALL', 'LC_COLLATE', 'LC_MESSAGES', 'LANG', 'LANGUAGE', 'TZ'].map((name) => process.env[name] ?? '');
  const localtime = await readlink('/etc/localtime').catch(() => '');
  const parts = [await codeStamp(CODE), display.cwd, workspace, JSON.stringify(paths), homedir(), ...env, localtime];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function readVerdicts(path: string): Promise<Verdict[]> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { verdicts?: unknown };
    return Array.isArray(parsed.verdicts) ? parsed.verdicts.filter(isVerdict) : [];
  } catch {
    return [];
  }
}

function isVerdict(value: unknown): value is Verdict {
  const v = value as Partial<Verdict> | null;
  return typeof v?.key === 'string' && Array.isArray(v.reads) && typeof v.files === 'number' && Array.isArray(v.items);
}

/** Written aside and renamed into place: a reader sees the old file or the new one. A verdict that cannot be kept is no fault. */
async function writeVerdicts(path: string, verdicts: Verdict[]): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(partial, JSON.stringify({ verdicts }), { mode: 0o600 });
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
  }
}
