import type { EnvironmentInfo } from '../../../../src/contract/api.js';

export interface ShellTarget {
  name: string;
  label: string;
}

/** Where the recorder may run commands: the environment's local and SSH targets, and `local`. */
export function shellTargets(environment: EnvironmentInfo | undefined): ShellTarget[] {
  if (!environment) return [];
  const found = environment.targets
    .filter((t) => t.kind === 'local' || t.kind === 'ssh')
    .map((t) => ({ name: t.name, label: t.kind === 'local' ? `${t.name} (this machine)` : `${t.name} (ssh ${t.where})` }));
  return found.some((t) => t.name === 'local') ? found : [...found, { name: 'local', label: 'local (this machine)' }];
}

/** The database targets a step may be marked as changing (`mutates`). */
export function databaseTargets(environment: EnvironmentInfo | undefined): string[] {
  return environment?.targets.filter((t) => t.kind === 'sqlite' || t.kind === 'postgres').map((t) => t.name) ?? [];
}

/** A file name suggested from the title: `Rotate the API key` → `rotate-the-api-key.md`. */
export function suggestedFileName(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'recorded-runbook'}.md`;
}
