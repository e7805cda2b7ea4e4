// Runbook version history: every content that was saved, recorded, imported or run, kept by
// SHA-256 with who and when (docs/DESIGN.md, "Concepts": a runbook is versioned by `version`
// and by the hash of its bytes). The rule it enforces: one version number, one content. A runbook changed
// without a bump is refused by `validate` and by `run`, since the audit trail would otherwise
// name two different procedures with the same version.
import { createHash } from 'node:crypto';
import type { RunbookVersionEntry } from '../contract/api.js';
import { AuditChain } from '../store/audit-chain.js';
import type { AppDatabase } from '../store/open-database.js';
import { findVersion, hashesOfVersion, insertVersion, listVersions, versionBytes, type StoredVersion, type VersionReason } from '../store/runbook-versions.js';
import { versionRowProblem } from '../store/record-verify.js';
import { UserError } from './errors.js';

export interface VersionRecord {
  runbookId: string;
  version: string;
  source: Uint8Array;
  reason: VersionReason;
  operator: string;
}

export interface VersionText {
  version: string;
  text: string;
}

export interface RunbookDiff {
  from: VersionText;
  to: VersionText;
  unified: string;
}

/** The file as it is in the workspace now, for the `workspace` side of a diff. */
export interface WorkspaceText {
  path: string;
  text: string;
  version: string;
}

/** Names the runbook's file as it is now in a diff, instead of a stored version. */
export const WORKSPACE = 'workspace';

/** A hex SHA-256 prefix long enough to be meant as one (git's short hashes are 7). */
const SHA_PREFIX = /^[0-9a-f]{7,64}$/;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function conflictMessage(version: string): string {
  return `content changed but version ${version} was already recorded; bump the version`;
}

export class RunbookVersions {
  private chain: AuditChain | undefined;

  constructor(private readonly db: AppDatabase['db']) {}

  /**
   * Stores a content the first time it is seen (and records that in the audit trail);
   * the same bytes again change nothing. Refuses new bytes under a version already stored
   * with other bytes, leaving the store as it was.
   */
  record(e: VersionRecord): { stored: boolean } {
    const sha256 = sha256Of(e.source);
    return this.db.transaction(() => {
      if (findVersion(this.db, e.runbookId, sha256)) return { stored: false };
      const conflict = this.conflict(e.runbookId, e.version, sha256);
      if (conflict) throw new UserError(`runbook '${e.runbookId}': ${conflict}; nothing was recorded`);
      const recordedAt = new Date().toISOString();
      insertVersion(this.db, { runbookId: e.runbookId, version: e.version, sha256, source: e.source, reason: e.reason, recordedAt, recordedBy: e.operator });
      // The table has no triggers; the chain is what makes "who stored which bytes when" tamper-evident.
      this.audit().append({ operator: e.operator, kind: 'runbook.version', runId: null, body: { runbook: e.runbookId, version: e.version, sha256, reason: e.reason } });
      return { stored: true };
    }).immediate();
  }

  /** The refusal when `version` is stored with other bytes than `sha256`; undefined when it may be used. */
  conflict(runbookId: string, version: string, sha256: string): string | undefined {
    const stored = hashesOfVersion(this.db, runbookId, version);
    return stored.length > 0 && !stored.includes(sha256) ? conflictMessage(version) : undefined;
  }

  /** Newest first. */
  list(runbookId: string): RunbookVersionEntry[] {
    return listVersions(this.db, runbookId).map(toEntry);
  }

  /** Newest first, each version's stored bytes checked against its SHA-256 first (refused when they differ). */
  checkedList(runbookId: string): RunbookVersionEntry[] {
    const versions = listVersions(this.db, runbookId);
    for (const v of versions) trustedVersionBytes(this.db, v, 'shown');
    return versions.map(toEntry);
  }

  /** The text of a stored version (the newest content stored under that number), or of a SHA-256 prefix. */
  source(runbookId: string, version: string): string | undefined {
    const found = this.find(runbookId, version);
    return found && this.textOf(runbookId, found.sha256);
  }

  /**
   * A unified diff between two versions of a runbook. Each side is a version number, a
   * SHA-256 prefix (7+ hex digits, from `handrail history`), or `workspace`: the file as it
   * is now, which the caller reads and passes in (this class reads only the store).
   */
  async diff(runbookId: string, from: string, to: string, workspace?: WorkspaceText): Promise<RunbookDiff> {
    const a = this.side(runbookId, from, workspace);
    const b = this.side(runbookId, to, workspace);
    // Loaded here: every command opens the version store, only a diff needs the diff library.
    const { createTwoFilesPatch, FILE_HEADERS_ONLY } = await import('diff');
    const unified = createTwoFilesPatch(a.label, b.label, a.text, b.text, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
    return { from: { version: a.version, text: a.text }, to: { version: b.version, text: b.text }, unified };
  }

  private side(runbookId: string, ref: string, workspace: WorkspaceText | undefined): VersionText & { label: string } {
    if (ref === WORKSPACE) {
      if (!workspace) throw new UserError(`runbook '${runbookId}' is not in the workspace, so there is no workspace version to compare; nothing was compared`);
      return { version: workspace.version, text: workspace.text, label: `${workspace.path} (workspace)` };
    }
    const found = this.find(runbookId, ref);
    if (!found) throw new UserError(this.unknown(runbookId, ref));
    return { version: found.version, text: this.textOf(runbookId, found.sha256) ?? '', label: `${runbookId}@${found.version} (${found.sha256.slice(0, 12)})` };
  }

  private find(runbookId: string, ref: string): StoredVersion | undefined {
    const versions = listVersions(this.db, runbookId);
    const byVersion = versions.find((v) => v.version === ref);
    if (byVersion || !SHA_PREFIX.test(ref)) return byVersion;
    const byHash = versions.filter((v) => v.sha256.startsWith(ref));
    return byHash.length === 1 ? byHash[0] : undefined;
  }

  private unknown(runbookId: string, ref: string): string {
    const known = [...new Set(listVersions(this.db, runbookId).map((v) => v.version))];
    if (known.length === 0) return `runbook '${runbookId}' has no recorded versions (a version is recorded when it is saved or run); nothing was compared`;
    return `runbook '${runbookId}' has no recorded version '${ref}' (recorded: ${known.join(', ')}; handrail history ${runbookId} lists them); nothing was compared`;
  }

  private textOf(runbookId: string, sha256: string): string | undefined {
    const found = findVersion(this.db, runbookId, sha256);
    const bytes = found && trustedVersionBytes(this.db, found, 'shown');
    return bytes && new TextDecoder('utf-8').decode(bytes);
  }

  private audit(): AuditChain {
    // No keys: checkpoints are signed by the run store at the end of runs, not here.
    this.chain ??= new AuditChain(this.db, { now: () => new Date().toISOString(), keysDir: null });
    return this.chain;
  }
}

/**
 * The stored bytes of a version, refused when they no longer hash to the SHA-256 they are
 * stored (and shown) under: the table has no triggers, and its row is what a diff, a review
 * and a handover bundle show as "the runbook that ran".
 */
export function trustedVersionBytes(db: AppDatabase['db'], v: Pick<StoredVersion, 'runbookId' | 'version' | 'sha256'>, what: string): Buffer | undefined {
  const bytes = versionBytes(db, v.runbookId, v.sha256);
  const problem = bytes && versionRowProblem(v.runbookId, v.version, v.sha256, bytes);
  if (problem) {
    throw new UserError(`${problem}; nothing was ${what}. Run handrail audit verify to see every difference, and find out who edited the database before relying on it.`, 3);
  }
  return bytes;
}

function toEntry(v: StoredVersion): RunbookVersionEntry {
  return { version: v.version, sha256: v.sha256, reason: v.reason, recordedAt: v.recordedAt, recordedBy: v.recordedBy };
}
