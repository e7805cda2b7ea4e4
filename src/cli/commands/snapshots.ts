// `snapshot`, `snapshots` and `restore`.
import { checkTypedName } from '../../core/guards/protected-environment.js';
import { createInterface } from 'node:readline/promises';
import { RunService } from '../../app/run-service.js';
import { resolveSettings } from '../../app/settings.js';
import { SnapshotService, type Confirm } from '../../app/snapshot-service.js';
import type { Snapshot } from '../../contract/snapshot.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';
import { EXIT_TAMPERED } from './audit.js';
import { progressBar } from '../progress.js';
import { formatBytes } from '../format.js';

async function withService<T>(global: GlobalOptions, fn: (s: SnapshotService) => Promise<T>): Promise<T> {
  const runs = new RunService(resolveSettings(global));
  try {
    return await fn(new SnapshotService(runs));
  } finally {
    runs.close();
  }
}

function progress() {
  const bars = { snapshot: progressBar('snapshot'), restore: progressBar('restore') };
  return {
    update: (phase: string, done: number, total: number) => bars[phase === 'restore' ? 'restore' : 'snapshot'].update(done, total),
    end: () => Object.values(bars).forEach((b) => b.end()),
  };
}

export async function snapshotCommand(target: string, options: { env: string }, global: GlobalOptions): Promise<number> {
  return withService(global, async (service) => {
    for (const notice of await service.housekeeping()) fail(notice);
    const bar = progress();
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const s = await service.take(target, options.env, bar.update, controller.signal).finally(bar.end);
    print(`snapshot ${s.id} of ${s.target} in ${s.environment}: verified, ${formatBytes(s.bytes)}, sha256 ${s.sha256}`);
    print(s.path);
    return 0;
  });
}

export async function snapshotsCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  return withService(global, async (service) => {
    for (const notice of await service.unrecorded()) fail(notice);
    const { snapshots: list, tampering } = service.checkedList();
    if (options.json) {
      // `step` stays the 0-based index it always was; `stepNumber` counts from 1, as the text does.
      print(JSON.stringify(list.map((s) => ({ ...s, stepNumber: s.step === null ? null : s.step + 1 })), null, 2));
    } else {
      if (list.length === 0) print('no snapshots');
      else print(['SNAPSHOT'.padEnd(list[0]?.id.length ?? 0), 'TARGET@ENV'.padEnd(20), 'SIZE'.padStart(9), 'SHA-256'.padEnd(16), 'TAKEN'.padEnd(44), 'AT'].join('  '));
      for (const s of list) {
        print([s.id, `${s.target}@${s.environment}`.padEnd(20), formatBytes(s.bytes).padStart(9), s.sha256.slice(0, 16), takenWhen(s).padEnd(44), s.createdAt].join('  '));
      }
    }
    // On stderr: stdout (the list, or its JSON) stays what a script reads.
    for (const m of tampering) fail(m.message);
    if (tampering.length > 0) fail('the values shown come from the audit trail; run handrail audit verify for every difference, and find out who edited the database');
    return tampering.length > 0 ? EXIT_TAMPERED : 0;
  });
}

/** `before step 3 of run …`, `manual`, `pre-restore of run …` (steps counted from 1, as everywhere on screen). */
function takenWhen(s: Snapshot): string {
  return `${s.reason === 'step' ? `before step ${(s.step ?? 0) + 1}` : s.reason}${s.runId ? ` of run ${s.runId}` : ''}`;
}

/**
 * What a restore will do, said before it is confirmed: which snapshot, of what, from when,
 * and which later runs' changes to that database it undoes (each mutating run snapshots the
 * database first, so later snapshots of the same target name those runs).
 */
function describeRestore(service: SnapshotService, ref: string): string {
  const snapshot = service.find(ref);
  const later = service
    .list()
    .filter((s) => s.target === snapshot.target && s.environment === snapshot.environment && s.createdAt > snapshot.createdAt && s.runId !== null && s.runId !== snapshot.runId)
    .map((s) => s.runId);
  const runs = [...new Set(later)];
  return [
    `Snapshot ${snapshot.id}: ${snapshot.target} in ${snapshot.environment}, taken ${snapshot.createdAt} (${takenWhen(snapshot)}), ${formatBytes(snapshot.bytes)}.`,
    `Restoring replaces the database's current contents with it: every change made to ${snapshot.target} since ${snapshot.createdAt} is undone` +
      (runs.length > 0 ? `, including those of run${runs.length === 1 ? '' : 's'} ${runs.join(', ')}.` : '.'),
    'A snapshot of the current state is taken first, so the restore itself can be undone.',
  ].join('\n');
}

export async function restoreCommand(ref: string, options: { yes?: boolean; confirm?: string }, global: GlobalOptions): Promise<number> {
  return withService(global, async (service) => {
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
    // Shown before any question, on stderr beside the question (stdout keeps the result).
    process.stderr.write(`${describeRestore(service, ref)}\n`);
    const confirm: Confirm = async (environment, isProtected) => {
      if (isProtected) {
        if (checkTypedName(environment, options.confirm).ok) return { ok: true, how: `--confirm ${environment}` };
        if (options.confirm !== undefined) return { ok: false, message: `--confirm ${options.confirm} does not match the environment '${environment}'; nothing was changed` };
        if (!interactive) return { ok: false, message: `restoring into the protected environment '${environment}' needs --confirm ${environment}; nothing was changed` };
        const typed = await ask(`Restore overwrites the database in the PROTECTED environment '${environment}'. Type its name to go ahead: `);
        const checked = checkTypedName(environment, typed);
        if (checked.ok) return { ok: true, how: 'typed the environment name' };
        return { ok: false, message: `${checked.missing ? 'nothing was typed' : checked.mismatch}; nothing was changed` };
      }
      if (options.yes) return { ok: true, how: '--yes' };
      if (!interactive) return { ok: false, message: 'a restore overwrites the database; pass --yes to go ahead; nothing was changed' };
      const answer = await ask(`Restore overwrites the database in '${environment}'. Go ahead? [y/N] `);
      return /^y/i.test(answer) ? { ok: true, how: 'answered yes' } : { ok: false, message: 'not confirmed; nothing was changed' };
    };
    for (const notice of await service.housekeeping(undefined, { retention: false })) fail(notice);
    const bar = progress();
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const { restored, before } = await service.restore(ref, confirm, bar.update, controller.signal).finally(bar.end);
    print(`restored ${restored.target} in ${restored.environment} from snapshot ${restored.id} (${restored.createdAt})`);
    print(`the state before the restore is in snapshot ${before.id}; restore that to undo`);
    return 0;
  });
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
