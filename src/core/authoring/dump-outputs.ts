// `mysqldump "$db" > "$BACKUP_DIR/$db-$TIMESTAMP.sql"`, `slapcat > "$BACKUP_FILE"`, `su postgres -c
// "pg_dump $db > $file"`: a dump written out is the backup being made, not data being lost. The
// labels call none of these destructive (iRedMail's backup tools, CyberPanel's EasyEngine
// migration); what a backup script does afterwards (pruning old dumps, restoring one) is judged
// by its own rules.
import type { ShellCall, ShellRedirect } from './shell-calls.js';

/** Programs whose output is a copy of a database or directory. */
const DUMPERS = new Set(['mysqldump', 'mariadb-dump', 'pg_dump', 'pg_dumpall', 'slapcat', 'mongodump', 'sqlite3-dump']);

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Commands that run another command given in their arguments (`su - u -c "…"`, `docker exec C sh -c "…"`). */
const RUNNERS = new Set(['su', 'sudo', 'runuser', 'sh', 'bash', 'docker', 'podman', 'kubectl', 'ssh', 'env', 'timeout', 'nice']);

/** The program a call runs: its own name, or the first word of what the variable naming it holds, or of a command string it hands on. */
function programsOf(call: ShellCall, choices: (name: string) => string[] | undefined): string[] {
  const named = /[$`]/.test(call.name) ? (choices(call.name) ?? []).map((c) => c.trim().split(/\s+/)[0] ?? '') : [call.name];
  const inner = RUNNERS.has(base(call.name)) ? call.args.flatMap((a) => a.split(/[;&|]+/).map((part) => part.trim().split(/\s+/)[0] ?? '')) : [];
  return [...named, ...inner].map(base);
}

/** The `>` writes of a statement whose writing command dumps a database (see above). */
export function dumpOutputs(calls: readonly ShellCall[], redirects: readonly ShellRedirect[], choices: (name: string) => string[] | undefined): Set<ShellRedirect> {
  const out = new Set<ShellRedirect>();
  for (const call of calls) {
    if (!programsOf(call, choices).some((p) => DUMPERS.has(p))) continue;
    for (const r of [...call.redirects, ...redirects.filter((s) => s.line === call.line)]) if (r.op === '>' || r.op === '>|') out.add(r);
  }
  return out;
}
