// A flow is one user journey through the console, written against a Playwright Page and
// this context only, so the same flow runs in Chromium against `handrail serve`
// (browser.test.ts) and in the desktop app through Playwright's `_electron`.
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import type { CliResult } from '../../support/handrail-cli.js';

export interface FlowContext {
  /** Where the console starts: the sign-in URL with its token (browser), or the app's own page. */
  url: string;
  /** The console's origin, for deep links (`${origin}/#/run/ID`) once signed in. */
  origin: string;
  dataDir: string;
  workspace: string;
  /** The `handrail` CLI on the same data directory and workspace, as an operator runs it. */
  cli: (args: string[]) => CliResult;
  /** The CLI without waiting, for a run to be killed mid-step. */
  cliChild: (args: string[]) => ChildProcess;
  /** Saves a screenshot of the page as docs/screenshots/NAME.png (a no-op where not wanted). */
  screenshot: (name: string) => Promise<void>;
  /** What the flow's `prepare` returned ({} without one). */
  prepared: Record<string, string>;
}

/** What `prepare` gets: the data directory and workspace, the CLI, no console yet. */
export type PrepareContext = Pick<FlowContext, 'dataDir' | 'workspace' | 'cli' | 'cliChild'>;

export interface FlowWorkspace {
  /** Start from a copy of the demo workspace (runbooks/). */
  copyDemo?: boolean;
  /** Relative path → file text, written over it. */
  files: Record<string, string>;
}

export interface Flow {
  name: string;
  /** The flow's own workspace; without it the demo workspace is used as it is. */
  workspace?: (paths: { workspace: string; dataDir: string }) => FlowWorkspace;
  /**
   * Work done with the CLI before the console (server or desktop app) starts, as when the
   * console is opened after the fact, e.g. after a crash. Runners call it first.
   */
  prepare?: (context: PrepareContext) => Promise<Record<string, string>>;
  run: (page: Page, context: FlowContext) => Promise<void>;
}
