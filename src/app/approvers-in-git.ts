// Where the allowed_signers file a run is about to trust stands in the workspace's git. The
// file decides who may approve, and the operator can edit it on their own machine: listing a
// second key of their own under another name would let them approve their own run. Handrail
// cannot see the team's review, but it can see the file differ from the last commit, and
// refuse that; what it trusted is recorded by its SHA-256 and commit so a reviewer can check.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';

export interface ApproversOrigin {
  /** SHA-256 (hex) of the bytes read. */
  sha256: string;
  /** `committed`: equal to HEAD; `changed`/`untracked`/`outside` (not in the workspace's repository): not what was reviewed; `no-git`: no repository or no git here. */
  git: 'committed' | 'changed' | 'untracked' | 'outside' | 'no-git';
  /** HEAD's commit, when in a repository. */
  commit?: string;
}

function git(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', ['-C', cwd, ...args], { timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

export async function approversOrigin(path: string, text: string, workspace: string): Promise<ApproversOrigin> {
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const dir = dirname(path);
  // A file outside the workspace's repository (approvers: /tmp/mine, or a repository of its
  // own) was reviewed by no one who reviews the workspace.
  const [home, own] = await Promise.all([git(workspace, ['rev-parse', '--show-toplevel']), git(dir, ['rev-parse', '--show-toplevel'])]);
  if (home.code === 0 && (own.code !== 0 || own.stdout.trim() !== home.stdout.trim())) return { sha256, git: 'outside' };
  const head = await git(dir, ['rev-parse', '--verify', '-q', 'HEAD']);
  if (head.code !== 0) return { sha256, git: 'no-git' };
  const commit = head.stdout.trim();
  const file = basename(path);
  const tracked = await git(dir, ['ls-files', '--error-unmatch', '--', file]);
  if (tracked.code !== 0) return { sha256, git: 'untracked', commit };
  // Compares HEAD's blob with the bytes on disk (staged or not): both must be what was committed.
  const diff = await git(dir, ['diff', '--quiet', 'HEAD', '--', file]);
  return { sha256, git: diff.code === 0 ? 'committed' : 'changed', commit };
}

/** Why these approvers cannot be trusted for an approval, or null. */
export function approversProblem(path: string, origin: ApproversOrigin): string | null {
  if (origin.git === 'changed') {
    return `${path} differs from the workspace's last git commit (${origin.commit?.slice(0, 12) ?? 'HEAD'}): who may approve is decided by the committed file, reviewed like code; commit the change through your usual review (git diff -- ${path}) or restore it (git checkout -- ${path}), then run again`;
  }
  if (origin.git === 'outside') {
    return `${path} is outside the workspace's git repository: who may approve is decided by a file committed with the workspace, reviewed like code; point approval.approvers in handrail.yml at the committed file, then run again`;
  }
  if (origin.git === 'untracked') {
    return `${path} is not committed to the workspace's git: who may approve is decided by a committed file, reviewed like code; add and commit it through your usual review, then run again`;
  }
  return null;
}
