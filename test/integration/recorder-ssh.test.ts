// Recording on an SSH target against a real OpenSSH sshd on loopback: the host key is
// checked before the recording starts (as before a run), and once accepted the commands run
// on the host, also from a recording reopened by a new recorder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecorder, type OpenedRecorder } from '../../src/app/recorder/cli-recorder.js';
import type { Settings } from '../../src/app/settings.js';
import { startSshd, type SshdHandle } from '../support/sshd.js';
import { sshTargetSpec } from '../support/ssh-target.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let sshd: SshdHandle;
let settings: Settings;
const opened: OpenedRecorder[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  root = await makeTempDir('rec-ssh');
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:
  dev:
    targets:
      app: ${sshTargetSpec(sshd, join(root, 'known_hosts'))}
`,
  );
  settings = { dataDir: join(root, 'data'), workspace, operator: 'tester', maxOutputBytes: 1024 * 1024 };
}, 60_000);

afterAll(async () => {
  for (const o of opened) await o.close();
  await sshd?.stop();
  await removeDir(root);
});

function recorder() {
  const o = openRecorder(settings, { onOutput: () => {} });
  opened.push(o);
  return o.recorder;
}

describe('recording on an SSH target', () => {
  it('refuses an unknown host key with its fingerprint, then records on the host once it is accepted', async () => {
    const first = recorder();
    const refused = first.start({ environment: 'dev', target: 'app', title: 'Remote probe' });
    await expect(refused).rejects.toThrow(sshd.hostKeyFingerprintSha256);
    expect(await first.list()).toEqual([]);

    const draft = await first.start({ environment: 'dev', target: 'app', title: 'Remote probe', acceptHostKeys: [sshd.hostKeyFingerprintSha256] });
    const { step } = await first.record(draft.id, 'test -n "$SSH_CONNECTION" && echo over-ssh');
    expect(step).toMatchObject({ exitCode: 0, exampleOutput: 'over-ssh', target: 'app' });

    // A new recorder (the app restarted) reconnects with the key accepted before.
    const { draft: after } = await recorder().record(draft.id, 'echo again');
    expect(after.steps.map((s) => s.exampleOutput)).toEqual(['over-ssh', 'again']);
  });
});
