// `handrail --help` start-up against `node -e ""` (the floor no Node CLI can beat).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { medianMs, type Figure } from './table.js';

const BIN = resolve(import.meta.dirname, '../../bin/handrail.js');

export async function benchStartup(): Promise<Figure[]> {
  const run = (args: string[]) => () => {
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  };
  const help = await medianMs(15, run([BIN, '--help']));
  const node = await medianMs(15, run(['-e', '']));
  return [
    { name: 'handrail --help start-up', value: `${help.toFixed(0)} ms (${(help / node).toFixed(2)}×)`, baseline: `node -e "": ${node.toFixed(0)} ms`, goal: '< 300 ms' },
  ];
}
