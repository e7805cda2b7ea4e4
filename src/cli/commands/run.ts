// `handrail run` and `handrail resume`: exit 0 succeeded, 1 a step failed (or the run was
// aborted), 2 refused (a guard, an input, a confirmation nobody could give).
import { constants } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { UserError } from '../../app/errors.js';
import type { RunPlan } from '../../app/run-plan.js';
import type { OperatorPort } from '../../app/run-types.js';
import { maskedInputs } from '../../core/guards/resume-secrets.js';
import { RunService, type RunResult, type RunSession } from '../../app/run-service.js';
import type { InputDeclaration } from '../../contract/runbook.js';
import { resolveSettings } from '../../app/settings.js';
import { SnapshotService } from '../../app/snapshot-service.js';
import { RunInterruption } from '../../core/engine/step-faults.js';
import { baselineWasmOnly } from '../baseline-wasm.js';
import type { GlobalOptions } from '../global-options.js';
import { createOperator, type OperatorFlags } from '../operator.js';
import { askStopLeftover } from '../leftover-prompt.js';
import { gatedPrinter } from '../live-gate.js';
import { fail, keepRunningWhenStdoutCloses, writeOut } from '../output.js';
import { humanPrinter, jsonPrinter, type Printer } from '../run-printer.js';
import { styleFor } from '../terminal-markdown.js';

export interface RunFlags extends OperatorFlags {
  env: string;
  input: string[];
  acceptHostKey: string[];
  breakGlass?: string;
  approval?: string;
  approvalRequest?: string;
  incident?: string;
  json?: boolean;
}

export async function runCommand(runbook: string, flags: RunFlags, global: GlobalOptions): Promise<number> {
  baselineWasmOnly();
  if (flags.approval !== undefined && flags.approvalRequest !== undefined) {
    throw new UserError('give --approval FILE or --approval-request ID, not both (each is checked the same way); nothing was executed');
  }
  const service = new RunService(resolveSettings(global));
  try {
    const inputs = collectInputs(flags.input);
    if (isInteractive()) Object.assign(inputs, await askMissingInputs(await service.declaredInputs(runbook, process.cwd()), inputs));
    const given = new Set(Object.keys(inputs));
    const request = { runbook, environment: flags.env, inputs, acceptHostKeys: flags.acceptHostKey, breakGlass: flags.breakGlass, incident: flags.incident, ...approvalFlag(flags), ...(flags.approvalRequest !== undefined ? { approvalRequest: flags.approvalRequest } : {}) };
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
    const result = await withSession(service, flags, printer, (session) => service.start(plan, request, session), given);
    noteUnusedBreakGlass(service, flags, result);
    return exitCode(result);
  } finally {
    service.close();
  }
}

/** --approval, as a path from where the operator typed it. */
function approvalFlag(flags: { approval?: string }): { approval?: string } {
  return flags.approval === undefined ? {} : { approval: resolvePath(process.cwd(), flags.approval) };
}

/** A typed break-glass that no guard needed is said, so nobody believes a guard was waived. */
function noteUnusedBreakGlass(service: RunService, flags: { breakGlass?: string }, result: RunResult): void {
  if (flags.breakGlass !== undefined && service.waivedIn(result.run.id) === 0) {
    process.stderr.write('note: --break-glass was given, but no guard needed waiving; nothing was recorded as a deviation.\n');
  }
}

/** In a terminal, a required input nobody gave is asked for (a secret without echo), never guessed. */
async function askMissingInputs(declared: Record<string, InputDeclaration>, given: Record<string, string>): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  for (const [name, decl] of Object.entries(declared)) {
    if (given[name] !== undefined || decl.default !== undefined) continue;
    const hint = [
      decl.description,
      decl.type === 'enum' ? `one of ${(decl.values ?? []).join(', ')}` : decl.type !== 'string' ? decl.type : undefined,
      decl.pattern ? `matching ${decl.pattern}` : undefined,
    ].filter(Boolean).join('; ');
    const question = `Input '${name}'${hint ? ` (${hint})` : ''}: `;
    answers[name] = decl.secret ? await askHidden(question) : await askLine(question);
  }
  return answers;
}

async function askLine(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}

function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** The inputs as the run will use them, for the start of its output: secrets masked, defaults named. */
function inputLines(plan: RunPlan, given: ReadonlySet<string> | undefined): string[] {
  const declared = plan.runbook.frontMatter.inputs ?? {};
  return Object.entries(plan.inputs).map(([name, value]) => {
    const shown = declared[name]?.secret ? '[secret]' : JSON.stringify(value);
    const origin = given === undefined ? '' : given.has(name) ? '' : ' (default)';
    return `${name} = ${shown}${origin}`;
  });
}

export interface ResumeFlags extends Omit<RunFlags, 'env' | 'incident'> {
  stopLeftover?: boolean;
}

export async function resumeCommand(runRef: string, flags: ResumeFlags, global: GlobalOptions): Promise<number> {
  baselineWasmOnly();
  if (flags.approval !== undefined && flags.approvalRequest !== undefined) {
    throw new UserError('give --approval FILE or --approval-request ID, not both (each is checked the same way); nothing was executed');
  }
  const service = new RunService(resolveSettings(global));
  try {
    // The run's secret inputs are the ones it stored redacted; they may not come from argv either.
    const secrets = maskedInputs(service.findRun(runRef).inputs);
    refuseSecretsOnArgv(flags.input, secrets);
    // Leftovers of a killed snapshot go on resume too (the run that left them is often this one); retention waits for a run.
    for (const notice of await new SnapshotService(service).housekeeping(undefined, { retention: false })) fail(notice);
    const printer = makePrinter(flags);
    // A step still running from the run that died is asked about where the resume finds it (leftover-prompt.ts).
    const request = { inputs: collectInputs(flags.input), acceptHostKeys: flags.acceptHostKey, stopLeftovers: flags.stopLeftover === true, breakGlass: flags.breakGlass, ...approvalFlag(flags), ...(flags.approvalRequest !== undefined ? { approvalRequest: flags.approvalRequest } : {}) };
    const result = await withSession(service, flags, printer, (session) => service.resume(runRef, request, session));
    noteUnusedBreakGlass(service, flags, result);
    return exitCode(result);
  } finally {
    service.close();
  }
}

function makePrinter(flags: { json?: boolean }): Printer {
  const write = writeOut;
  if (flags.json) return gatedPrinter(jsonPrinter(write), (text) => write(`${JSON.stringify({ type: 'notice', text })}\n`));
  return gatedPrinter(humanPrinter(write, (s) => process.stderr.write(s), styleFor(process.stdout)), (text) => process.stderr.write(`\nhandrail: ${text}\n`));
}

/** Runs with Ctrl-C wired to a clean abort: the running step's processes are killed first. */
async function withSession(
  service: RunService,
  flags: OperatorFlags,
  printer: Printer,
  go: (session: RunSession) => Promise<RunResult>,
  /** Input names the operator gave (the rest came from defaults); unknown on resume. */
  given?: ReadonlySet<string>,
): Promise<RunResult> {
  const interactive = isInteractive();
  keepRunningWhenStdoutCloses('stdout was closed (its reader went away); the run goes on and everything is still stored — see it with handrail show');
  const controller = new AbortController();
  let asking = false;
  const onSigint = async () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C while aborting: leave now
    if (!interactive) return controller.abort();
    if (asking) return;
    asking = true;
    printer.hold(true);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question('\nAbort this run? The running step is stopped. [y/N] ').finally(() => rl.close());
    asking = false;
    printer.hold(false);
    if (/^y/i.test(answer.trim())) controller.abort();
  };
  // The operator's terminal closing (HUP, their SSH session to the bastion dropped) or a service
  // manager stopping Handrail (TERM) must not leave the step running with nobody watching: it is
  // stopped like an abort, without asking, and the run is left interrupted and resumable.
  const operator = tracked(createOperator(flags, interactive));
  let runId: string | undefined;
  const onStop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    const interruption = new RunInterruption(`Handrail received ${signal}`);
    controller.abort(interruption);
    if (runId !== undefined && operator.asking()) {
      // Waiting at a terminal prompt, nothing runs and nothing would end the wait: the run is
      // recorded interrupted here and the process ends, as the signal asked.
      service.interruptWhileWaiting(runId, `${interruption.message} while waiting for an answer`);
      process.stderr.write(`\nRun ${runId} INTERRUPTED: ${interruption.message} while waiting for an answer. Continue with: handrail resume ${runId}\n`);
      process.exit(128 + (constants.signals as Record<string, number>)[signal]!);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onStop);
  process.on('SIGHUP', onStop);
  try {
    const result = await go({
      operator: operator.port,
      ...(interactive ? { askPassphrase: askHidden, askStopLeftover: (leftover) => askStopLeftover(leftover, controller.signal) } : {}),
      onEvent: (e) => printer.event(e),
      onStart: (run, plan) => {
        runId = run.id;
        keepRunningWhenStdoutCloses(`stdout was closed (its reader went away); run ${run.id} goes on and everything is still stored: handrail show ${run.id}`);
        printer.start(run, {
          title: plan.runbook.frontMatter.title,
          steps: plan.runbook.steps.length,
          protected: plan.environment.protected === true,
          describe: (t) => service.describeTarget(plan, t),
          inputs: inputLines(plan, given),
        });
      },
      onApproval: (text) => process.stderr.write(`${text}\n`),
      onNotice: (text) => process.stderr.write(`${text}\n`),
      signal: controller.signal,
    });
    printer.finish(result.run, result.outcome, service.verdicts([result.run]).get(result.run.id));
    // After the outcome, so "succeeded" is never the last word while a team lock stays held.
    for (const note of result.teamLocksKept ?? []) process.stderr.write(`handrail: ${note}\n`);
    return result;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onStop);
    process.off('SIGHUP', onStop);
  }
}

/** The operator port, counting its open questions (a stop signal then has no step to stop). */
function tracked(operator: OperatorPort): { port: OperatorPort; asking: () => boolean } {
  let open = 0;
  const port = Object.fromEntries(
    Object.entries(operator).map(([name, method]) => [
      name,
      typeof method === 'function'
        ? async (...args: unknown[]) => {
            open++;
            try {
              return (await (method as (...a: unknown[]) => Promise<unknown>).apply(operator, args)) as unknown;
            } finally {
              open--;
            }
          }
        : method,
    ]),
  ) as unknown as OperatorPort;
  return { port, asking: () => open > 0 };
}

function exitCode(result: RunResult): number {
  switch (result.outcome.status) {
    case 'succeeded':
      return 0;
    case 'refused':
      return 2;
    case 'interrupted':
      // As a shell reports a command ended by a signal: 143 for TERM, 129 for HUP.
      return 128 + (signalNumber(result.outcome.reason) ?? 1);
    default:
      return 1;
  }
}

function signalNumber(reason: string): number | undefined {
  const name = /\b(SIG[A-Z]+)\b/.exec(reason)?.[1];
  return name ? (constants.signals as Record<string, number>)[name] : undefined;
}

/** `--input k=v` flags, plus HANDRAIL_INPUT_<NAME> variables (the way to pass a secret). */
export function collectInputs(flags: string[]): Record<string, string> {
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

/**
 * Reads a line without echoing it (a passphrase must not stay on the screen). readline is
 * given an output that swallows what it writes after the prompt: node:readline/promises
 * echoes through an internal method, so replacing `_writeToOutput` silenced nothing.
 */
export async function askHidden(prompt: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  process.stderr.write(prompt);
  muted = true;
  try {
    return await rl.question('');
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** argv is readable by every user of the machine (ps, /proc): a secret never goes there. */
export function refuseSecretsOnArgv(flags: string[], secrets: string[]): void {
  const given = secrets.find((name) => flags.some((flag) => flag.startsWith(`${name}=`)));
  if (given) {
    throw new UserError(
      `secret input '${given}' must not be given on the command line (every user of this machine can read it); set HANDRAIL_INPUT_${given.toUpperCase()} instead; nothing was executed`,
    );
  }
}
