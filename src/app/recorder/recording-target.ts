// Where a recording's commands run: one shell target (`local` or an SSH host) of one
// environment, opened the way a run opens it (openTargets: the same SSH host-key checks,
// the same environment variables), so a recorded command behaves as its step will.
import type { Environment, Inventory, TargetSpec } from '../../contract/inventory.js';
import { targetKind } from '../../contract/inventory.js';
import type { ShellExecutor } from '../../core/engine/ports.js';
import { checkTypedName } from '../../core/guards/protected-environment.js';
import { findEnvironment, targetIn } from '../../core/guards/target-exists.js';
import type { Secret } from '../../core/engine/redact.js';
import { UserError } from '../errors.js';
import { passwordSecretOf } from '../database-password.js';
import type { TargetOptions } from '../targets.js';

const NOTHING = 'nothing was run';

export interface RecordingPlace {
  environmentName: string;
  environment: Environment;
  target: string;
  spec: TargetSpec;
  /** Values masked in recorded output: the passwords of the environment's databases. */
  secrets: Secret[];
}

export interface OpenRecordingTarget {
  shell: ShellExecutor;
  /** Exported to every command, as to every sh step of a run in this environment. */
  variables: Record<string, string>;
  close(): Promise<void>;
}

/** The guards before a recording starts: the environment exists, the target is a shell there. */
export function recordingPlace(inventory: Inventory, environmentName: string, target: string, typed: string | undefined): RecordingPlace {
  const found = findEnvironment(inventory, environmentName);
  if (!found.ok) throw new UserError(`${found.message}; ${NOTHING}`);
  const environment = found.value;
  const spec = targetIn(environment, target);
  if (!spec) {
    const shells = Object.entries(environment.targets).filter(([, s]) => isShell(s)).map(([name]) => name);
    throw new UserError(`environment '${environmentName}' has no target '${target}' (shell targets there: ${['local', ...shells].join(', ')}); ${NOTHING}`);
  }
  if (!isShell(spec)) {
    throw new UserError(
      `target '${target}' is a ${targetKind(spec)} database in '${environmentName}'; the recorder runs shell commands, so pick 'local' or an SSH target ` +
        `(a command that changes this database can be marked mutates=${target} afterwards); ${NOTHING}`,
    );
  }
  const checked = environment.protected === true ? checkTypedName(environmentName, typed) : { ok: true as const };
  if (!checked.ok) {
    throw new UserError(
      checked.missing
        ? `'${environmentName}' is a protected environment and every command you record runs there for real; type its name to start recording (--confirm ${environmentName}); ${NOTHING}`
        : `${checked.mismatch}; type the protected environment's name exactly to start recording there; ${NOTHING}`,
    );
  }
  const secrets = Object.values(environment.targets).flatMap((s) => passwordSecretOf(s) ?? []);
  return { environmentName, environment, target, spec, secrets };
}

/** Opens the target (an SSH session, or this machine's shell); SSH host keys are checked here. */
export async function openRecordingTarget(place: RecordingPlace, options: TargetOptions): Promise<OpenRecordingTarget> {
  // Loaded on first use: the SSH client and every target kind are no part of the console's start.
  const { openTargets } = await import('../targets.js');
  const targets = await openTargets(
    { targets: new Map([[place.target, place.spec]]), environment: place.environment, environmentName: place.environmentName },
    options,
  );
  return { shell: await targets.shell(place.target), variables: targets.variables, close: () => targets.close() };
}

function isShell(spec: TargetSpec): boolean {
  const kind = targetKind(spec);
  return kind === 'local' || kind === 'ssh';
}
