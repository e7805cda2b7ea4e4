// What the editor reads from the text itself (the server judges it; these only label the
// screen): the front matter's id and version, the next version a bump gives, and the
// template a new runbook starts from.
import type { EnvironmentInfo } from '../../../../src/contract/api.js';

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)^---[ \t]*$/m;

function frontMatterValue(text: string, key: string): string | undefined {
  const front = FRONT_MATTER.exec(text);
  if (!front || front.index !== 0) return undefined;
  const line = new RegExp(`^${key}:[ \\t]*(["']?)([^"'#\\s]+)\\1`, 'm').exec(front[1] ?? '');
  return line?.[2];
}

export const runbookIdOf = (text: string) => frontMatterValue(text, 'id');
export const versionOf = (text: string) => frontMatterValue(text, 'version');

export type Bump = 'patch' | 'minor' | 'major';

/** `1.4.2` + minor → `1.5.0`; undefined for anything but a plain x.y.z (the server says why). */
export function nextVersion(version: string | undefined, bump: Bump): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version ?? '');
  if (!m) return undefined;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** A new runbook's first text: valid in the inventory's first environment, on its first shell target. */
export function newRunbookText(environments: readonly EnvironmentInfo[]): string {
  const env = environments[0];
  const shell = env?.targets.find((t) => t.kind === 'local' || t.kind === 'ssh')?.name ?? 'local';
  return `---
id: new-runbook
title: A new runbook
version: 1.0.0
${env ? `environments: [${env.name}]\n` : ''}---

# A new runbook

What this runbook is for, and when to use it.

## Check where you are

\`\`\`sh {target=${shell}}
hostname
\`\`\`
`;
}
