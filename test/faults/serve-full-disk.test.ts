// `handrail serve` on a data folder whose disk is full: the console records its start in the
// audit trail, which it cannot do, so it says the disk is full instead of printing a URL that
// would not answer. The disk is a real tmpfs, filled.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handrail, handrailChild, type CliOptions } from '../support/handrail-cli.js';
import { mountSmallDisk, reportSkip } from '../support/small-disk.js';

const disk = mountSmallDisk(4);
reportSkip('serve on a full data disk', disk);
afterAll(() => disk.remove());

describe('handrail serve on a full data disk', () => {
  it.skipIf(disk.unavailable !== undefined)('prints no URL, names the full disk and exits 1', async () => {
    const cli: CliOptions = { dataDir: join(disk.dir, 'data') };
    expect(handrail(['runs'], cli).code).toBe(0);
    disk.fill();
    const child = handrailChild(['serve', '--port', '0'], cli);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      // A URL printed is the failure; stop the console rather than wait for it.
      if (stdout.includes('http')) child.kill('SIGKILL');
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    expect(stdout).toBe('');
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`the disk holding ${disk.dir}/data is full \\(\\d+\\.\\d MB free\\)`, 'i'));
    expect(stderr).toMatch(/free some space/i);
    expect(stderr).not.toMatch(/This is a bug|internal error|^\s+at /m);
  });
});
