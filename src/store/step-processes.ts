import type { Database } from 'better-sqlite3';

export interface RecordedStepProcess {
  runId: string;
  /** 0-based step index. */
  idx: number;
  attempt: number;
  host: string;
  /** Also the process group id: a local step leads its own group. For an SSH step, the group on its host. */
  pid: number;
  startTicks: number | null;
  startedAt: string;
  /** `deploy@db-1:22` for a step that ran over SSH; null for a local step. */
  sshLogin: string | null;
  /** The SSH host's boot id when the step started; null for a local step or a host without /proc. */
  bootId: string | null;
}

interface Row {
  run_id: string;
  idx: number;
  attempt: number;
  host: string;
  pid: number;
  start_ticks: number | null;
  started_at: string;
  ssh_login: string | null;
  boot_id: string | null;
}

export function recordStepProcess(db: Database, process: RecordedStepProcess): void {
  db.prepare(
    `INSERT INTO step_processes (run_id, idx, attempt, host, pid, start_ticks, started_at, ssh_login, boot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, idx, attempt) DO UPDATE SET host = excluded.host, pid = excluded.pid,
       start_ticks = excluded.start_ticks, started_at = excluded.started_at, ssh_login = excluded.ssh_login, boot_id = excluded.boot_id`,
  ).run(process.runId, process.idx, process.attempt, process.host, process.pid, process.startTicks, process.startedAt, process.sshLogin, process.bootId);
}

/**
 * The recorded groups of a run's steps that were cut off (`running` or `in-doubt`, their latest
 * attempt): the ones that may still be running from a Handrail process that died. A step that
 * ended normally is left out, so a daemon it started on purpose never blocks a resume.
 */
export function unsettledStepProcesses(db: Database, runId: string): RecordedStepProcess[] {
  const rows = db
    .prepare(
      `SELECT p.* FROM step_processes p JOIN steps s ON s.run_id = p.run_id AND s.idx = p.idx AND s.attempt = p.attempt
       WHERE p.run_id = ? AND s.status IN ('running', 'in-doubt') ORDER BY p.idx`,
    )
    .all(runId) as Row[];
  return rows.map((r) => ({
    runId: r.run_id,
    idx: r.idx,
    attempt: r.attempt,
    host: r.host,
    pid: r.pid,
    startTicks: r.start_ticks,
    startedAt: r.started_at,
    sshLogin: r.ssh_login,
    bootId: r.boot_id,
  }));
}
