import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Settings {
  dataDir: string;
  workspace: string;
  operator: string;
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
  return {
    dataDir: resolve(pick(flags.dataDir, 'HANDRAIL_DATA_DIR') ?? defaultDataDir(env)),
    workspace: resolve(pick(flags.workspace, 'HANDRAIL_WORKSPACE') ?? DEMO_WORKSPACE),
    operator: pick(flags.operator, 'HANDRAIL_OPERATOR') ?? osUser(),
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
