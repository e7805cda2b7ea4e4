// Paths in handrail.yml: `~/`, `${data_dir}/` and `${workspace}/` are expanded; other
// relative paths are relative to the workspace folder.
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

export interface PathContext {
  dataDir: string;
  workspace: string;
}

export function expandVariables(value: string, ctx: PathContext): string {
  return value.replace(/\$\{(data_dir|workspace)\}/g, (_, name: string) => (name === 'data_dir' ? ctx.dataDir : ctx.workspace));
}

export function expandPath(value: string, ctx: PathContext): string {
  const expanded = expandVariables(value, ctx);
  if (expanded === '~') return homedir();
  if (expanded.startsWith('~/')) return resolve(homedir(), expanded.slice(2));
  return isAbsolute(expanded) ? expanded : resolve(ctx.workspace, expanded);
}
