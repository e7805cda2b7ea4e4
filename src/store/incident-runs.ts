// `runs --incident ID`: the runs rows of an incident, newest first, found as the Audit view
// finds them (run-query.ts: by the row's column or by the run.started event), so the CLI and
// the console list the same runs; each is then checked against its chain like any other.
import type { Database } from 'better-sqlite3';
import type { Run } from '../contract/run.js';
import { queryRuns } from './run-query.js';
import { runsById } from './run-record-read.js';

export function runsOfIncident(db: Database, incident: string, limit: number): Run[] {
  const page = queryRuns(db, { incident }, { offset: 0, limit });
  const byId = new Map(runsById(db, page.runs.map((r) => r.id)).map((r) => [r.id, r]));
  return page.runs.flatMap((r) => byId.get(r.id) ?? []);
}
