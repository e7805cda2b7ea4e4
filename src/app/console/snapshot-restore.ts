// A restore asked for in a console: its confirmation (the console asked "are you sure?"
// before sending the request; a protected environment needs its name typed as well) and
// its progress, one event per whole percent of each phase (the snapshot of the current
// state, then the restore), not one per page copied.
import type { ConsoleEvent } from '../../contract/api.js';
import { checkTypedName } from '../../core/guards/protected-environment.js';
import type { Confirm } from '../snapshot-service.js';

export function typedConfirmation(typed: string | undefined): Confirm {
  return async (environment, isProtected) => {
    if (!isProtected) return { ok: true, how: 'confirmed in the console' };
    const checked = checkTypedName(environment, typed);
    if (checked.ok) return { ok: true, how: 'typed the environment name in the console' };
    return {
      ok: false,
      message: checked.missing
        ? `restoring into the protected environment '${environment}' needs its name typed to confirm; nothing was changed`
        : `${checked.mismatch}: type the environment's name exactly; nothing was changed`,
    };
  };
}

export class RestoreProgress {
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly snapshotId: string,
    private readonly emit: (event: ConsoleEvent) => void,
  ) {}

  update(phase: string, done: number, total: number): void {
    const percent = total > 0 ? Math.floor((done / total) * 100) : -1;
    if (this.sent.get(phase) === percent) return;
    this.sent.set(phase, percent);
    this.emit({ type: 'restore', snapshotId: this.snapshotId, phase, done, total });
  }
}
