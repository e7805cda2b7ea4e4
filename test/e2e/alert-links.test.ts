// Alert links in Chromium against a real `handrail serve`: `/run/RUNBOOK?env=…&input.…&incident=…`
// opens the run set-up filled in and starts nothing until Start is pressed; without a session
// the token sign-in keeps the link's values; a link followed from another site (an alert page)
// reaches the set-up of a signed-in browser; hostile values are shown as text, unknown and
// secret ones named; and `handrail link` prints a link the console opens the same way.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handrail, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { expectNoSeriousViolations } from './flows/accessibility.js';
import { openConsole } from './flows/console-page.js';
import { browserPerFile } from './support/browser-per-file.js';
import { freshContext } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';
import { writeWorkspace } from './support/workspace.js';

const RUNBOOK = `---
id: db-failover
title: Fail the database over
version: 1.0.0
environments: [staging, prod]
inputs:
  instance:
    type: string
    pattern: "^[a-z0-9-]+$"
    description: The instance that alerted
  token:
    type: string
    secret: true
---

# Fail the database over

## Check the instance

\`\`\`sh {target=app}
echo "checking $HR_IN_instance"
\`\`\`
`;
const INVENTORY = 'environments:\n  staging:\n    targets:\n      app: local\n  prod:\n    protected: true\n    targets:\n      app: local\n';

const chromium = browserPerFile();
let root: string;
let cli: CliOptions;
let server: ConsoleProcess;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeEach(async () => {
  root = await makeTempDir('e2e-links');
  cli = { dataDir: `${root}/data`, workspace: `${root}/ws` };
  writeWorkspace(cli.workspace!, { 'handrail.yml': INVENTORY, 'db-failover.md': RUNBOOK });
  server = await startConsole(cli);
  context = await freshContext(chromium.browser);
  page = await context.newPage();
  problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
}, 60_000);

afterEach(async () => {
  await context?.close();
  await server?.stop();
  await removeDir(root);
  expect(problems).toEqual([]);
});

const runs = () => JSON.parse(handrail(['runs', '--json'], cli).stdout) as { id: string; incident: string | null; environment: string; inputs: Record<string, string> }[];
const setup = () => page.getByRole('form', { name: 'Start a run' });

async function expectFilled(values: { environment: string; instance: string; incident: string }) {
  const form = setup();
  await form.getByRole('note', { name: 'Filled in from a link' }).waitFor();
  await expect.poll(() => form.getByLabel('Environment').inputValue()).toBe(values.environment);
  expect(await form.getByLabel('instance').inputValue()).toBe(values.instance);
  expect(await form.getByLabel('Incident or ticket').inputValue()).toBe(values.incident);
}

describe('alert links (handrail serve + Chromium)', () => {
  it('fill the run set-up and start nothing until Start is pressed', { timeout: 90_000 }, async () => {
    await openConsole(page, server.url);
    await page.goto(`${server.origin}/run/db-failover?env=staging&input.instance=db-2&incident=INC-77`);
    await expectFilled({ environment: 'staging', instance: 'db-2', incident: 'INC-77' });
    expect(runs()).toEqual([]);
    // The secret is typed by the operator; a link never brings it.
    await setup().getByLabel('token').fill('s3cret-value');
    await setup().getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/run\//);
    await expect.poll(() => runs().length).toBe(1);
    expect(runs()[0]).toMatchObject({ environment: 'staging', incident: 'INC-77', inputs: { instance: 'db-2' } });
    await page.getByText(/incident INC-77/).waitFor();

    // The Audit view finds the run by its incident, and only it.
    handrail(['run', 'db-failover', '--env', 'staging', '--input', 'instance=db-9', '--yes', '--incident', 'INC-80'], { ...cli, env: { HANDRAIL_INPUT_TOKEN: 'x-secret' } });
    await page.goto(`${server.origin}/#/audit`);
    const filters = page.getByRole('form', { name: 'Filter runs' });
    await filters.getByLabel('Incident').fill('INC-77');
    await page.getByRole('status').filter({ hasText: '1 run matches' }).waitFor();
    await filters.getByLabel('Incident').fill('INC-80');
    await page.getByRole('status').filter({ hasText: '1 run matches' }).waitFor();
    await filters.getByLabel('Incident').fill('INC-nothing');
    await page.getByText('No run matches these filters.').waitFor();
  });

  it('go through the token sign-in and land on the same set-up with their values', { timeout: 90_000 }, async () => {
    const link = `${server.origin}/run/db-failover?env=staging&input.instance=db-3&incident=INC-78`;
    await page.goto(link);
    await page.getByRole('heading', { name: 'Sign in to open this run set-up' }).waitFor();
    // A stale token (an old console's) is refused, and the values stay for the next try.
    await page.getByLabel('Console URL or token').fill('http://127.0.0.1:7447/?token=stale');
    await page.getByRole('button', { name: 'Sign in and open the set-up' }).click();
    await page.getByRole('alert').filter({ hasText: 'That is not this console’s token.' }).waitFor();
    expect(page.url()).toContain('input.instance=db-3');
    // The whole URL serve printed, pasted as it is.
    await page.getByLabel('Console URL or token').fill(server.url);
    await page.getByRole('button', { name: 'Sign in and open the set-up' }).click();
    await expectFilled({ environment: 'staging', instance: 'db-3', incident: 'INC-78' });
    expect(page.url()).not.toContain('token');
    expect(runs()).toEqual([]);
  });

  it('followed from another site (an alert page), reach the set-up of a signed-in browser', { timeout: 90_000 }, async () => {
    await openConsole(page, server.url);
    const link = `${server.origin}/run/db-failover?env=staging&input.instance=db-4&incident=INC-79`;
    // localhost is another site than 127.0.0.1: the SameSite=Strict cookie is not sent on the click.
    const alertPage = await serveAlertPage(`<a href="${link}">runbook</a>`);
    try {
      await page.goto(`http://localhost:${alertPage.port}/`);
      await page.getByRole('link', { name: 'runbook' }).click();
      await expectFilled({ environment: 'staging', instance: 'db-4', incident: 'INC-79' });
    } finally {
      alertPage.server.close();
    }
    expect(runs()).toEqual([]);
  });

  it('show hostile values as text, and name unknown, secret and bad ones', { timeout: 90_000 }, async () => {
    const script = '<script>alert(1)</script>';
    const img = '"><img src=x onerror=alert(2)>';
    const long = `INC-${'9'.repeat(5000)}`;
    const params = new URLSearchParams({ env: script, 'input.instance': img, 'input.token': 'hunter2', 'input.nope': '1', [`x${img}`]: 'y', incident: long });
    const link = `${server.origin}/run/db-failover?${params.toString()}`;
    // Through the sign-in page first: its hidden fields carry the values, escaped.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Sign in to open this run set-up' }).waitFor();
    expect(await page.locator('img, script').count()).toBe(0);
    await expectNoSeriousViolations(page, 'sign-in for a link');
    await page.getByLabel('Console URL or token').fill(server.url);
    await page.getByRole('button', { name: 'Sign in and open the set-up' }).click();

    const form = setup();
    const note = form.getByRole('note', { name: 'Filled in from a link' });
    await note.waitFor();
    const said = await note.innerText();
    expect(said).toContain('The link names the environment “<script>alert(1)</script>”, which handrail.yml does not have');
    expect(said).toContain('secret input “token”; secrets are never taken from a link');
    expect(said).toContain('“nope”, which this runbook does not take');
    expect(said).toContain('means nothing here');
    expect(await form.getByLabel('Environment').inputValue()).toBe('');
    expect(await form.getByLabel('token').inputValue()).toBe('');
    // Nor is it left in the address bar, where the next person at the screen would read it.
    await expect.poll(() => page.url()).not.toContain('hunter2');
    expect(page.url()).toContain('input.instance=');
    expect(await form.getByLabel('instance').inputValue()).toBe(img);
    expect(await form.getByLabel('Incident or ticket').inputValue()).toBe(long);
    await form.getByText(/incident id is at most 128 characters/i).waitFor();
    await form.getByText(/Must match the pattern/).waitFor();
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await form.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await expectNoSeriousViolations(page, 'run set-up filled in from a link');
    expect(runs()).toEqual([]);
  });

  it('made by handrail link, open in the console the same way', { timeout: 90_000 }, async () => {
    const port = new URL(server.origin).port;
    const made = handrail(['link', 'db-failover', '--env', 'prod', '--input', 'instance=db-5', '--incident', 'INC 5 & co', '--port', port], cli);
    expect(made.code, made.stderr).toBe(0);
    const link = made.stdout.trim();
    expect(link).toBe(`http://127.0.0.1:${port}/run/db-failover?env=prod&input.instance=db-5&incident=INC%205%20%26%20co`);
    await openConsole(page, server.url);
    await page.goto(link);
    await expectFilled({ environment: 'prod', instance: 'db-5', incident: 'INC 5 & co' });
    expect(runs()).toEqual([]);
  });
});

async function serveAlertPage(body: string): Promise<{ server: Server; port: number }> {
  const alerts = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Alert</title>${body}`);
  });
  await new Promise<void>((resolve) => alerts.listen(0, 'localhost', resolve));
  return { server: alerts, port: (alerts.address() as AddressInfo).port };
}
