import { RunService } from '../../app/run-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import type { RunStep } from '../../contract/run.js';
import { fail, print } from '../output.js';
import { pacedWriter } from '../paced-stdout.js';
import { decodedOutput, writeIndented, writeJsonString } from '../show-output.js';

export async function runsCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const service = new RunService(resolveSettings(global));
  try {
    for (const notice of service.notices) fail(notice);
    const runs = service.listRuns();
    if (options.json) {
      print(JSON.stringify(runs, null, 2));
      return 0;
    }
    if (runs.length === 0) print('no runs yet');
    for (const r of runs) {
      print([r.id, r.status.padEnd(11), `${r.runbookId}@${r.runbookVersion}`.padEnd(28), r.environment.padEnd(12), r.operator.padEnd(10), r.startedAt].join('  '));
    }
    return 0;
  } finally {
    service.close();
  }
}

/** Output is read a few chunks at a time (each up to 1 MiB): a page of the store, not the run. */
const SHOW_PAGE_CHUNKS = 4;

export async function showCommand(ref: string, options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const service = new RunService(resolveSettings(global));
  try {
    for (const notice of service.notices) fail(notice);
    const { run, steps } = service.showRun(ref);
    const reviews = service.reviews(run.id);
    const out = pacedWriter();
    const output = (step: RunStep) =>
      decodedOutput(step.attempt === 0 ? none() : service.store.readOutput(run.id, step.idx, step.attempt, SHOW_PAGE_CHUNKS));
    if (options.json) {
      // The document as before, each step's output streamed into its place.
      const marked = JSON.stringify({ run, steps: steps.map((s) => ({ ...s, output: `\u0000output-${s.idx}\u0000` })), reviews }, null, 2);
      const parts = marked.split(/"\\u0000output-(\d+)\\u0000"/);
      for (const [i, part] of parts.entries()) {
        if (i % 2 === 0) {
          await out.write(part);
          continue;
        }
        const step = steps.find((s) => s.idx === Number(part));
        await out.write('"');
        if (step) await writeJsonString(out, output(step));
        await out.write('"');
      }
      await out.write('\n');
      await out.end();
      return 0;
    }
    await out.write(`Run ${run.id}: ${run.runbookId} ${run.runbookVersion} (sha256 ${run.runbookSha256.slice(0, 16)}…) in ${run.environment}\n`);
    await out.write(`Operator ${run.operator}; ${run.status}; started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}\n`);
    if (Object.keys(run.inputs).length > 0) await out.write(`Inputs: ${Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
    for (const s of steps) {
      await out.write(`\n${s.idx + 1}. ${s.title} [${s.kind}${s.target ? ` on ${s.target}` : ''}] — ${s.status}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}\n`);
      if (s.exitCode !== null) await out.write(`   exit code ${s.exitCode}\n`);
      if (s.signal) await out.write(`   ended by ${s.signal}\n`);
      if (s.reason) await out.write(`   ${s.status === 'skipped' ? 'reason' : 'why'}: ${s.reason}\n`);
      if (s.note) await out.write(`   note: ${s.note}\n`);
      await writeIndented(out, output(s));
    }
    await out.write('\nReviews\n');
    if (reviews.length === 0) await out.write('   none yet (handrail audit review RUN --note TEXT records one)\n');
    for (const r of reviews) await out.write(`   ${r.at} ${r.reviewer} (audit event ${r.seq}): ${r.note}\n`);
    await out.end();
    return 0;
  } finally {
    service.close();
  }
}

async function* none(): AsyncGenerator<never> {}
