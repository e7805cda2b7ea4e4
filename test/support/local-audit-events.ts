// The bodies of one kind of audit event in a machine's own database, oldest first: what a
// CLI command recorded on that machine, read without the CLI.
import Database from 'better-sqlite3';
import type { CliOptions } from './handrail-cli.js';

export function localEvents(cli: CliOptions, kind: string): Record<string, unknown>[] {
  const db = new Database(`${cli.dataDir}/handrail.db`, { readonly: true });
  try {
    return (db.prepare('SELECT body_json FROM audit_events e JOIN audit_bodies b USING (seq) WHERE kind = ? ORDER BY seq').pluck().all(kind) as string[]).map(
      (b) => JSON.parse(b) as Record<string, unknown>,
    );
  } finally {
    db.close();
  }
}
