import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Settings {
  dataDir: string;
  workspace: string;
  operator: string;
  /**
   * The operator's full name, recorded beside the account name where a person acts (run
   * started or resumed, review, acknowledgement): HANDRAIL_OPERATOR_NAME, else the OS
   * account's full name (the GECOS field) when the operator is this OS account; null if none.
   */
  operatorName?: string | null;
  /** Output stored per step attempt; past it the rest is counted, not kept (HANDRAIL_MAX_OUTPUT_MB). */
  maxOutputBytes: number;
}

export interface SettingsInput {
  dataDir?: string | undefined;
  workspace?: string | undefined;
  operator?: string | undefined;
}

/** The demo workspace shipped in this package, so a newcomer can try everything at once. */
export const DEMO_WORKSPACE = fileURLToPath(new URL('../../runbooks/', import.meta.url));

/** Flags win over environment variables, which win over the defaults. Empty counts as unset. */
export function resolveSettings(flags: SettingsInput, env: NodeJS.ProcessEnv = process.env): Settings {
  const pick = (flag: string | undefined, name: string) => (flag || env[name]) || undefined;
  const operator = pick(flags.operator, 'HANDRAIL_OPERATOR') ?? osUser();
  return {
    dataDir: resolve(pick(flags.dataDir, 'HANDRAIL_DATA_DIR') ?? defaultDataDir(env)),
    workspace: resolve(pick(flags.workspace, 'HANDRAIL_WORKSPACE') ?? DEMO_WORKSPACE),
    operator,
    operatorName: env.HANDRAIL_OPERATOR_NAME?.trim() || (operator === osUser() ? accountFullName(operator) : null),
    maxOutputBytes: Math.max(1, Number(env.HANDRAIL_MAX_OUTPUT_MB) || 256) * 1024 * 1024,
  };
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Handrail');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Handrail');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'handrail');
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to what the shell says.
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** The account's full name from /etc/passwd (first GECOS field), where there is one. */
function accountFullName(user: string): string | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
    const name = line?.split(':')[4]?.split(',')[0]?.trim();
    return name && name !== user ? name : null;
  } catch {
    return null; // no passwd file (macOS, Windows): the account name stands alone
  }
}

/** What a person-made event carries about who they are, beside the chain's operator field. */
export function operatorBody(settings: Settings): { operatorName?: string } {
  return settings.operatorName ? { operatorName: settings.operatorName } : {};
}
