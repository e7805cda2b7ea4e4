// `handrail link` prints the console link for an alert rule's `runbook_url`; `handrail open`
// opens such a link from a terminal: in the console already running for this data folder
// (signed in with its token), else in one it starts for the purpose, as `serve` does.
import { makeAlertLink } from '../../app/link-service.js';
import { linkWithToken, parseOpenLink } from '../../app/console-link.js';
import { runningConsoles } from '../../app/console-registry.js';
import { CHALLENGE_HEADER, newChallenge, PROOF_HEADER, provesToken } from '../../app/console-proof.js';
import { openInBrowser } from '../../app/open-browser.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';
import { UserError } from '../../app/errors.js';
import { serveCommand } from './serve.js';

export interface LinkFlags {
  env: string;
  input: string[];
  incident?: string;
  port: number;
}

export async function linkCommand(runbook: string, flags: LinkFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const { url, warnings } = await makeAlertLink(
    settings,
    { runbook, environment: flags.env, inputs: linkInputs(flags.input), incident: flags.incident, port: flags.port },
    process.cwd(),
  );
  for (const warning of warnings) fail(`warning: ${warning}`);
  print(url);
  return 0;
}

export async function openCommand(link: string, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const { port, pathAndQuery } = parseOpenLink(link);
  for (const running of runningConsoles(settings.dataDir, port)) {
    if (!(await answers(running.url))) continue;
    if (running.port !== port) fail(`open: the link names port ${port}; the console of ${settings.dataDir} runs on port ${running.port}, so it opens there`);
    const signedIn = linkWithToken(running.url, pathAndQuery);
    let opened = true;
    openInBrowser(signedIn, settings.dataDir, running.port, (line) => {
      opened = false;
      fail(`open: ${line}`);
    });
    // The token is for this terminal's user alone, like the URL `serve` prints.
    if (!opened) print(signedIn);
    return 0;
  }
  fail(`open: no console is running for ${settings.dataDir}; starting one on port ${port} (Ctrl-C stops it)`);
  return serveCommand({ port, host: '127.0.0.1', openAt: pathAndQuery }, global);
}

/**
 * The server on a registry entry's port is the console that wrote it: a killed console's pid
 * may be reused and its port taken by any program. The token is not sent to find out (it
 * would go to whoever listens there); the server must prove it knows it.
 */
async function answers(consoleUrl: string): Promise<boolean> {
  const url = new URL(consoleUrl);
  const token = url.searchParams.get('token') ?? '';
  const challenge = newChallenge();
  try {
    const response = await fetch(`${url.origin}/`, { method: 'HEAD', headers: { [CHALLENGE_HEADER]: challenge }, redirect: 'manual', signal: AbortSignal.timeout(2000) });
    return token !== '' && provesToken(token, challenge, response.headers.get(PROOF_HEADER));
  } catch {
    return false;
  }
}

/** `--input NAME=VALUE` only: a link never takes values from HANDRAIL_INPUT_* (those are for secrets). */
function linkInputs(flags: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UserError(`--input ${flag}: write --input NAME=VALUE; no link was made`);
    inputs[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return inputs;
}
