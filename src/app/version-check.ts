// The validator's check against the version store: a runbook whose bytes differ from a
// stored version with the same `version` is an error at its `version` key. `validate`
// needs no data directory, so the store is read only where one exists, and never created.
import type { Problem } from '../contract/problem.js';
import type { Runbook } from '../contract/runbook.js';
import { formatProblem } from '../core/problems.js';
import { openAppDatabaseReadOnly } from '../store/open-read-only.js';
import { UserError } from './errors.js';
import { RunbookVersions } from './runbook-versions.js';

/** What the check reads of a runbook: a validation kept from an earlier run (validate-cache.ts) keeps only this. */
export interface RunbookIdentity {
  path: string;
  sha256: string;
  frontMatter: Pick<Runbook['frontMatter'], 'id' | 'version'>;
  keyPos: { version?: Runbook['keyPos'][string] | undefined };
}

export function versionProblems(runbook: RunbookIdentity, versions: Pick<RunbookVersions, 'conflict'>): Problem[] {
  const { id, version } = runbook.frontMatter;
  const message = versions.conflict(id, version, runbook.sha256);
  if (!message) return [];
  const pos = runbook.keyPos.version ?? { line: 1, col: 1 };
  return [{ path: runbook.path, line: pos.line, col: pos.col, severity: 'error', message }];
}

export interface RecordedVersions {
  check: (runbook: RunbookIdentity) => Problem[];
  close(): void;
}

/** undefined when the data directory has no database (nothing was ever recorded there). */
export function openRecordedVersions(dataDir: string): RecordedVersions | undefined {
  let opened;
  try {
    opened = openAppDatabaseReadOnly(dataDir);
  } catch (error) {
    // The store words its failures for the operator already.
    throw new UserError(error instanceof Error ? error.message : String(error), 1);
  }
  if (!opened) return undefined;
  const versions = new RunbookVersions(opened.db);
  return { check: (runbook) => versionProblems(runbook, versions), close: () => opened.close() };
}

/** Why a run of this runbook is refused (`path:line:col: content changed…`), or undefined. */
export function versionRefusal(runbook: Runbook, versions: Pick<RunbookVersions, 'conflict'>): string | undefined {
  const [problem] = versionProblems(runbook, versions);
  return problem && `${formatProblem(problem)}; nothing was executed`;
}
