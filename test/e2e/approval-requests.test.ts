// An approver signs a request in the console, in Debian's Chromium against `handrail serve`,
// with a real team ledger (PostgreSQL) and a real passphrase-protected OpenSSH key: the
// request is listed, its plan is on screen, Approve stays disabled until the end of the plan
// has been scrolled into view (show before you ask), the key file and its passphrase sign it,
// and the operator's run with --approval-request then goes ahead. The passphrase is nowhere
// afterwards: not in the console's log, not in the approver's data folder.
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, type CliOptions } from '../support/handrail-cli.js';
import { makeKey } from '../support/ssh-keys.js';
import { psqlAs, startTestLedger, teamYaml, type TestLedger } from '../support/team-ledger.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { expectNoSeriousViolations } from './flows/accessibility.js';
import { openConsole } from './flows/console-page.js';
import { freshContext, launchChromium } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';

const PASSPHRASE = 'quokka-passphrase-7319';

let root: string;
let ledger: TestLedger;
let browser: Browser;
let server: ConsoleProcess;
let operator: CliOptions;
let approver: CliOptions;
let aliceKey: string;

/** Forty steps: the plan is longer than its box, so its end is not on screen until scrolled to. */
function longRunbook(): string {
  const steps = Array.from({ length: 40 }, (_, i) => `## Say hello ${i + 1}\n\n\`\`\`sh {target=local}\necho "approved-step-ran ${i + 1} {{ name }}"\n\`\`\`\n`).join('\n');
  return `---\nid: greet\ntitle: Greet\nversion: 1.0.0\nenvironments: [prod]\ninputs:\n  name:\n    type: string\n---\n\n# Greet\n\n${steps}`;
}

beforeAll(async () => {
  root = await makeTempDir('e2e-approval-requests');
  const ws = join(root, 'ws');
  mkdirSync(ws);
  ledger = await startTestLedger(root, { op_olga: 'operator', ap_alice: 'operator' });
  aliceKey = await makeKey(root, 'alice', 'ed25519', PASSPHRASE);
  writeFileSync(join(ws, 'allowed_signers'), `alice@example.com ${readFileSync(`${aliceKey}.pub`, 'utf8').trim()}\n`);
  writeFileSync(
    join(ws, 'handrail.yml'),
    `${teamYaml(ledger)}environments:\n  prod:\n    protected: true\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets: {}\n`,
  );
  writeFileSync(join(ws, 'greet.md'), longRunbook());
  operator = { dataDir: join(root, 'data-olga'), workspace: ws, cwd: root, env: { ...ledger.env('op_olga'), HANDRAIL_OPERATOR: 'olga', SSH_AUTH_SOCK: '' } };
  approver = { dataDir: join(root, 'data-alice'), workspace: ws, cwd: root, env: { ...ledger.env('ap_alice'), HANDRAIL_OPERATOR: 'alice', SSH_AUTH_SOCK: '' } };
  browser = await launchChromium();
  server = await startConsole(approver);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await browser?.close();
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('an approval request signed in the console', () => {
  it('is read to its end before Approve is enabled, signed with a key file and its passphrase, and lets the operator run', { timeout: 120_000 }, async () => {
    const requested = handrail(['plan', 'greet', '--env', 'prod', '--input', 'name=world', '--request-approval', '--note', 'INC-9: greet again'], operator);
    expect(requested.code).toBe(0);
    const requestId = /Approval request: (\S+)/.exec(requested.stdout)![1]!;
    const planId = /Plan id: ([0-9a-f]{64})/.exec(requested.stdout)![1]!;
    // A row any writer could post: it must not take the request off the list, and the list says so.
    const junk = await psqlAs(
      ledger,
      'ap_alice',
      `INSERT INTO handrail.approval_signatures (request_id, statement, signature, principal, key_fingerprint) VALUES ('${requestId}', 'junk', 'junk', 'alice@example.com', 'SHA256:x');`,
    );
    expect(junk.stderr).toBe('');

    const context = await freshContext(browser);
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await openConsole(page, server.url);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
      const table = page.getByRole('table', { name: 'Approval requests waiting, newest first' });
      await table.waitFor();
      const row = table.getByRole('row').filter({ hasText: 'olga' });
      expect(await row.textContent()).toMatch(/greet.*prod.*olga.*INC-9: greet again.*1 posted approval does not verify: not a Handrail approval/);
      await row.getByRole('link', { name: new RegExp(`Read request ${requestId}`) }).click();

      // The plan is on screen, but its end is not: Approve is disabled.
      const plan = page.getByRole('region', { name: 'Plan to approve' });
      await plan.getByText('Step 1 of 40: Say hello 1').waitFor();
      expect(await page.getByText(planId).count()).toBeGreaterThan(0);
      const approve = page.getByRole('button', { name: 'Approve' });
      await page.getByLabel('SSH key file').fill(aliceKey);
      await page.getByLabel('Passphrase').fill(PASSPHRASE);
      expect(await approve.isDisabled()).toBe(true);
      await expectNoSeriousViolations(page, 'approvals');

      // Read to its end: Approve is enabled.
      await plan.evaluate((box) => box.scrollTo({ top: box.scrollHeight }));
      await expect.poll(() => approve.isEnabled()).toBe(true);
      await approve.click();
      const done = page.getByRole('status').filter({ hasText: 'Approved as alice@example.com' });
      await done.waitFor();
      expect(await done.textContent()).toContain(`--approval-request ${requestId}`);
      // Signed: it is no longer waiting.
      await expect.poll(() => table.getByRole('row').filter({ hasText: requestId.slice(0, 8) }).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    const r = handrail(['run', 'greet', '--env', 'prod', '--input', 'name=world', '--yes', '--confirm', 'prod', '--approval-request', requestId], operator);
    expect(r.stdout).toContain('approved-step-ran 40 world');
    expect(r.stderr).toContain('Approval: approved by alice@example.com');
    expect(r.code).toBe(0);

    expect(server.stderr()).not.toContain(PASSPHRASE);
    for (const file of filesUnder(approver.dataDir)) expect(readFileSync(file).includes(PASSPHRASE), file).toBe(false);
  });
});
