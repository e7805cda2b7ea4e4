// A small filesystem of its own (tmpfs) for the fault tests: full disks are made by filling
// it, never simulated. Mounting needs root (CI has it); elsewhere the tests that need it
// are skipped with the reason printed, never silently.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mount point; empty and writable when mounted. */
  readonly dir: string;
  /** Why it could not be mounted; undefined when it is. */
  readonly unavailable: string | undefined;
  /** Writes a filler file until the disk has 0 bytes free. */
  fill(): void;
  /** Removes the filler file. */
  free(): void;
  freeBytes(): number;
  /** Unmounts and removes the mount point. */
  remove(): void;
}

const FILLER = '.test-filler';

/** Mounts a tmpfs of `megabytes` at `dir` (a fresh temp folder when not given). */
export function mountSmallDisk(megabytes: number, dir = mkdtempSync(join(tmpdir(), 'handrail-disk-'))): SmallDisk {
  mkdirSync(dir, { recursive: true });
  const unavailable = mountTmpfs(dir, megabytes);
  return {
    dir,
    unavailable,
    fill: () => {
      // `cat` stops at ENOSPC, leaving the disk with 0 bytes free; its failure is the point.
      spawnSync('sh', ['-c', `cat /dev/zero > '${join(dir, FILLER)}'`], { stdio: 'ignore' });
      if (statfsSync(dir).bavail !== 0) throw new Error(`${dir} still has free blocks after filling it`);
    },
    free: () => rmSync(join(dir, FILLER), { force: true }),
    freeBytes: () => {
      const fs = statfsSync(dir);
      return fs.bavail * fs.bsize;
    },
    remove: () => {
      if (!unavailable) spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mountTmpfs(dir: string, megabytes: number): string | undefined {
  if (process.platform !== 'linux') return `a tmpfs cannot be mounted on ${process.platform}`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.error) return `mount could not be started: ${result.error.message}`;
  if (result.status !== 0) return `mount -t tmpfs failed: ${(result.stderr || result.stdout).trim()}`;
  return undefined;
}

/** Prints why a group of tests is skipped (a skip is never silent). */
export function reportSkip(what: string, disk: SmallDisk): void {
  if (disk.unavailable) console.log(`${what} skipped: ${disk.unavailable}`);
}
