// The runbook version store (migration 0006): one row per runbook content, by SHA-256.
import type { Database } from 'better-sqlite3';

export type VersionReason = 'saved' | 'run' | 'imported' | 'recorded' | 'seen';

export interface StoredVersion {
  runbookId: string;
  version: string;
  sha256: string;
  reason: VersionReason;
  recordedAt: string;
  recordedBy: string;
}

export interface NewVersion extends StoredVersion {
  source: Uint8Array;
}

interface VersionRow {
  runbook_id: string;
  version: string;
  sha256: string;
  reason: VersionReason;
  recorded_at: string;
  recorded_by: string;
}

const COLUMNS = 'runbook_id, version, sha256, reason, recorded_at, recorded_by';
// rowid breaks ties between versions stored in the same millisecond: the later insert is newer.
const NEWEST_FIRST = 'ORDER BY recorded_at DESC, rowid DESC';

function toVersion(row: VersionRow): StoredVersion {
  return { runbookId: row.runbook_id, version: row.version, sha256: row.sha256, reason: row.reason, recordedAt: row.recorded_at, recordedBy: row.recorded_by };
}

export function findVersion(db: Database, runbookId: string, sha256: string): StoredVersion | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM runbook_versions WHERE runbook_id = ? AND sha256 = ?`).get(runbookId, sha256) as VersionRow | undefined;
  return row && toVersion(row);
}

/**
 * The contents stored under this version number. A database opened read-only may predate
 * migration 0006 (nothing has opened it for writing since the upgrade); its runs still say
 * which bytes ran as which version, so they answer instead.
 */
export function hashesOfVersion(db: Database, runbookId: string, version: string): string[] {
  if (!hasVersionTable(db)) {
    return db.prepare('SELECT DISTINCT runbook_sha256 FROM runs WHERE runbook_id = ? AND runbook_version = ?').pluck().all(runbookId, version) as string[];
  }
  return db.prepare('SELECT sha256 FROM runbook_versions WHERE runbook_id = ? AND version = ?').pluck().all(runbookId, version) as string[];
}

export function insertVersion(db: Database, v: NewVersion): void {
  db.prepare(
    `INSERT INTO runbook_versions (runbook_id, version, sha256, source, reason, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(v.runbookId, v.version, v.sha256, Buffer.from(v.source), v.reason, v.recordedAt, v.recordedBy);
}

/** Newest first. */
export function listVersions(db: Database, runbookId: string): StoredVersion[] {
  const rows = db.prepare(`SELECT ${COLUMNS} FROM runbook_versions WHERE runbook_id = ? ${NEWEST_FIRST}`).all(runbookId) as VersionRow[];
  return rows.map(toVersion);
}

/** The stored bytes of one content. */
export function versionBytes(db: Database, runbookId: string, sha256: string): Buffer | undefined {
  return db.prepare('SELECT source FROM runbook_versions WHERE runbook_id = ? AND sha256 = ?').pluck().get(runbookId, sha256) as Buffer | undefined;
}

/** Contents stored in [since, until), oldest first, every runbook. */
export function versionsRecordedBetween(db: Database, since: string, until: string): StoredVersion[] {
  const rows = db
    .prepare(`SELECT ${COLUMNS} FROM runbook_versions WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, rowid`)
    .all(since, until) as VersionRow[];
  return rows.map(toVersion);
}

function hasVersionTable(db: Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'runbook_versions'").get() !== undefined;
}
