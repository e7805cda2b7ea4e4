// `npm run bench`: figures as per-item costs or as ratios against a baseline measured in
// the same run, because these machines are noisy. Benchmarks are not tests: nothing here
// passes or fails.
import { benchAudit } from './audit.js';
import { benchConsole } from './console.js';
import { benchValidation } from './validation.js';
import { benchStartup } from './startup.js';
import { benchSnapshot } from './snapshot.js';
import { benchStream } from './stream.js';
import { benchTeam } from './team.js';
import { printTable, type Figure } from './table.js';

const figures: Figure[] = [];
for (const bench of [benchValidation, benchStartup, benchStream, benchSnapshot, benchAudit, benchConsole, benchTeam]) figures.push(...(await bench()));
printTable(figures);
