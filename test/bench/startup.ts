// Start-up of each command against `node -e 0` (the floor no Node CLI can beat), run by run in
// the same round; and the README's way in (`./bin/handrail.js`) against `npx handrail`, which
// loads npm and reads the whole installed tree before it starts the same file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { atMost, paired, sample, show, type Figure } from './table.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/handrail.js');
const GOAL = 2.5;

const COMMANDS: string[][] = [['--help'], ['list'], ['runs'], ['validate'], ['snapshots'], ['audit', 'verify']];

export async function benchStartup(): Promise<Figure[]> {
  const data = mkdtempSync(join(tmpdir(), 'handrail-bench-start-'));
  const env = { ...process.env, HANDRAIL_DATA_DIR: data, HANDRAIL_WORKSPACE: join(ROOT, 'runbooks'), HANDRAIL_OPERATOR: 'bench' };
  const run = (program: string, args: string[]) => () => {
    const r = spawnSync(program, args, { stdio: 'ignore', env, cwd: ROOT });
    if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} exited ${r.status}`);
  };
  const node = run(process.execPath, ['-e', '0']);
  try {
    // A data folder that exists already (the first command of all creates it and its keys).
    run(process.execPath, [BIN, 'runs'])();
    const figures: Figure[] = [];
    for (const args of COMMANDS) {
      const m = await paired(run(process.execPath, [BIN, ...args]), node);
      // validate and list keep their verdict in the data folder: after the first run above, warm.
      const kept = args[0] === 'validate' || args[0] === 'list' ? ' (warm: verdict kept, workspace unchanged)' : '';
      figures.push({ name: `handrail ${args.join(' ')} start-up${kept}`, value: show.x(m.ratio), baseline: `node -e 0: ${show.ms(m.baseline)}`, goal: atMost(m.ratio, GOAL) });
    }
    // Cold: nothing kept (a changed workspace, or the first run), every runbook judged by the parsers.
    const validate = run(process.execPath, [BIN, 'validate']);
    const cold = await paired(() => {
      rmSync(join(data, 'cache', 'validate.json'), { force: true });
      validate();
    }, node);
    figures.push({ name: 'handrail validate start-up (cold: nothing kept)', value: show.x(cold.ratio), baseline: `node -e 0: ${show.ms(cold.baseline)}`, goal: 'no goal: the parsers run' });
    const bin = await paired(run(BIN, ['--help']), node);
    const npx = await sample(run('npx', ['--no-install', 'handrail', '--help']));
    figures.push({
      name: "the README's way in, ./bin/handrail.js --help",
      value: show.x(bin.ratio),
      baseline: `node -e 0: ${show.ms(bin.baseline)}; npx handrail: ${show.ms(npx)}`,
      goal: atMost(bin.ratio, GOAL, `as fast as the binary (≤ ${GOAL}×)`),
    });
    return figures;
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}
