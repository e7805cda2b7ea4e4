// `npm run bench [-- --only NAME[,NAME]] [--list] [--runs N] [--markdown]`: figures as
// per-item costs or as ratios against a baseline measured in the same run, because these
// machines are noisy. Benchmarks are not tests: nothing here passes or fails; each goal is
// printed beside its figure with whether the median meets it.
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { markdownTable, printTable, settings, type Figure } from './table.js';

interface Bench {
  name: string;
  about: string;
  run: () => Promise<Figure[]>;
}

// One line per bench; each module loads only when its bench runs (Playwright, PostgreSQL…).
const benches: Bench[] = [
  { name: 'validation', about: 'validate 1,000 runbooks against the Markdown parse alone', run: async () => (await import('./validation.js')).benchValidation() },
  { name: 'startup', about: 'every command against node -e 0, and the README way in', run: async () => (await import('./startup.js')).benchStartup() },
  { name: 'stream', about: 'stream 1 GiB through a step against the command > /dev/null', run: async () => (await import('./stream.js')).benchStream() },
  { name: 'snapshot-small', about: 'SQLite snapshot of a 10 MB database, requested → verified', run: async () => (await import('./snapshot.js')).benchSmallSnapshot() },
  { name: 'snapshot-sqlite', about: 'SQLite snapshot 1 GiB against cp + fsync', run: async () => (await import('./snapshot.js')).benchSnapshot() },
  { name: 'snapshot-postgres', about: 'PostgreSQL snapshot 256 MiB against pg_dump -Fc -Z1', run: async () => (await import('./snapshot-postgres.js')).benchPostgresSnapshot() },
  { name: 'audit-append', about: 'audit append p50 against a plain insert', run: async () => (await import('./audit.js')).benchAuditAppend() },
  { name: 'audit-verify', about: 'audit verify of 1,000,000 events against raw SHA-256', run: async () => (await import('./audit.js')).benchAuditVerify() },
  { name: 'console', about: 'console ready against a bare Node server; Audit view paint', run: async () => (await import('./console.js')).benchConsole() },
  { name: 'team', about: 'team ledger: append with a team against without, shipping events/s, a lead\'s Audit view over 1,000,000 events', run: async () => (await import('./team.js')).benchTeam() },
];

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { only: { type: 'string' }, list: { type: 'boolean' }, runs: { type: 'string' }, markdown: { type: 'boolean' } },
});

if (values.list) {
  const width = Math.max(...benches.map((b) => b.name.length));
  for (const b of benches) console.log(`${b.name.padEnd(width)}  ${b.about}`);
  process.exit(0);
}

const wanted = values.only?.split(',').map((n) => n.trim()).filter(Boolean);
const unknown = wanted?.filter((n) => !benches.some((b) => b.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(`no bench named ${unknown.join(', ')}; npm run bench -- --list names them`);
  process.exit(2);
}
if (values.runs !== undefined) settings.runs = Number(values.runs);
if (!Number.isInteger(settings.runs) || settings.runs < 1) {
  console.error(`--runs takes a whole number (got ${values.runs})`);
  process.exit(2);
}

console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${settings.runs} runs per figure${settings.runs < 5 ? ' (fewer than five: a quick look, not a figure to quote)' : ''}`);
const figures: Figure[] = [];
for (const bench of benches.filter((b) => !wanted || wanted.includes(b.name))) {
  console.error(`… ${bench.name}`);
  figures.push(...(await bench.run()));
}
printTable(figures);
if (values.markdown) console.log(`\n${markdownTable(figures)}`);
