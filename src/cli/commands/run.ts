// `handrail run` and `handrail resume`: exit 0 succeeded, 1 a step failed (or the run was
// aborted), 2 refused (a guard, an input, a confirmation nobody could give).
import { createInterface } from 'node:readline/promises';
import { UserError } from '../../app/errors.js';
import { REDACTED } from '../../app/run-types.js';
import { RunService, type RunResult, type RunSession } from '../../app/run-service.js';
import { resolveSettings } from '../../app/settings.js';
import { SnapshotService } from '../../app/snapshot-service.js';
import type { GlobalOptions } from '../global-options.js';
import { createOperator, type OperatorFlags } from '../operator.js';
import { gatedPrinter } from '../live-gate.js';
import { fail } from '../output.js';
import { humanPrinter, jsonPrinter, type Printer } from '../run-printer.js';

export interface RunFlags extends OperatorFlags {
  env: string;
  input: string[];
  acceptHostKey: string[];
  json?: boolean;
}

export async function runCommand(runbook: string, flags: RunFlags, global: GlobalOptions): Promise<number> {
  const service = new RunService(resolveSettings(global));
  try {
    const inputs = collectInputs(flags.input);
    const request = { runbook, environment: flags.env, inputs, acceptHostKeys: flags.acceptHostKey };
    const plan = await service.plan(request, process.cwd());
    const secrets = Object.entries(plan.runbook.frontMatter.inputs ?? {}).filter(([, decl]) => decl.secret).map(([name]) => name);
    try {
      refuseSecretsOnArgv(flags.input, secrets);
    } catch (error) {
      if (error instanceof UserError) service.refused(request, error.message);
      throw error;
    }
    for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
    for (const notice of await new SnapshotService(service).housekeeping(plan.inventory)) fail(notice);
    const printer = makePrinter(flags);
    const result = await withSession(service, flags, printer, (session) => service.start(plan, request, session));
    return exitCode(result);
  } finally {
    service.close();
  }
}

export async function resumeCommand(runRef: string, flags: Omit<RunFlags, 'env'>, global: GlobalOptions): Promise<number> {
  const service = new RunService(resolveSettings(global));
  try {
    // The run's secret inputs are the ones it stored redacted; they may not come from argv either.
    const secrets = Object.entries(service.findRun(runRef).inputs).filter(([, v]) => v === REDACTED).map(([k]) => k);
    refuseSecretsOnArgv(flags.input, secrets);
    // Leftovers of a killed snapshot go on resume too (the run that left them is often this one); retention waits for a run.
    for (const notice of await new SnapshotService(service).housekeeping(undefined, { retention: false })) fail(notice);
    const printer = makePrinter(flags);
    const request = { inputs: collectInputs(flags.input), acceptHostKeys: flags.acceptHostKey };
    const result = await withSession(service, flags, printer, (session) => service.resume(runRef, request, session));
    return exitCode(result);
  } finally {
    service.close();
  }
}

function makePrinter(flags: { json?: boolean }): Printer {
  const write = (s: string | Uint8Array) => process.stdout.write(s);
  if (flags.json) return gatedPrinter(jsonPrinter(write), (text) => write(`${JSON.stringify({ type: 'notice', text })}\n`));
  return gatedPrinter(humanPrinter(write, (s) => process.stderr.write(s)), (text) => process.stderr.write(`\nhandrail: ${text}\n`));
}

/** Runs with Ctrl-C wired to a clean abort: the running step's processes are killed first. */
async function withSession(
  service: RunService,
  flags: OperatorFlags,
  printer: Printer,
  go: (session: RunSession) => Promise<RunResult>,
): Promise<RunResult> {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const controller = new AbortController();
  let asking = false;
  const onSigint = async () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C while aborting: leave now
    if (!interactive) return controller.abort();
    if (asking) return;
    asking = true;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question('\nAbort this run? The running step is stopped. [y/N] ').finally(() => rl.close());
    asking = false;
    if (/^y/i.test(answer.trim())) controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await go({
      operator: createOperator(flags, interactive),
      ...(interactive ? { askPassphrase: askHidden } : {}),
      onEvent: (e) => printer.event(e),
      onStart: (run, plan) =>
        printer.start(run, {
          title: plan.runbook.frontMatter.title,
          steps: plan.runbook.steps.length,
          protected: plan.environment.protected === true,
          describe: (t) => service.describeTarget(plan, t),
        }),
      signal: controller.signal,
    });
    printer.finish(result.run, result.outcome);
    return result;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function exitCode(result: RunResult): number {
  switch (result.outcome.status) {
    case 'succeeded':
      return 0;
    case 'refused':
      return 2;
    default:
      return 1;
  }
}

/** `--input k=v` flags, plus HANDRAIL_INPUT_<NAME> variables (the way to pass a secret). */
function collectInputs(flags: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('HANDRAIL_INPUT_') && value !== undefined) inputs[key.slice('HANDRAIL_INPUT_'.length).toLowerCase()] = value;
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UserError(`--input ${flag}: write --input NAME=VALUE; nothing was executed`);
    inputs[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return inputs;
}

/** Reads a line without echoing it (a passphrase must not stay on the screen). */
async function askHidden(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // readline echoes through _writeToOutput; silence it after the prompt.
  const silent = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(prompt);
  silent._writeToOutput = () => {};
  try {
    return await rl.question('');
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** argv is readable by every user of the machine (ps, /proc): a secret never goes there. */
function refuseSecretsOnArgv(flags: string[], secrets: string[]): void {
  const given = secrets.find((name) => flags.some((flag) => flag.startsWith(`${name}=`)));
  if (given) {
    throw new UserError(
      `secret input '${given}' must not be given on the command line (every user of this machine can read it); set HANDRAIL_INPUT_${given.toUpperCase()} instead; nothing was executed`,
    );
  }
}
