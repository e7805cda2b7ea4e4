// `handrail handover --since DATE [--until DATE] --out FOLDER`: the bundle the next person
// needs (see src/app/handover-service.ts).
import { HandoverService } from '../../app/handover-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export interface HandoverFlags {
  since: string;
  until?: string;
  out: string;
  team?: boolean;
}

export async function handoverCommand(flags: HandoverFlags, global: GlobalOptions): Promise<number> {
  if (flags.team) return (await import('./team-handover.js')).teamHandoverCommand(flags, global);
  const service = new HandoverService(resolveSettings(global));
  try {
    const result = await service.write(flags);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    print(`wrote ${result.out}: ${plural(result.runs, 'run')}, ${plural(result.runbooks, 'runbook version')}, ${plural(result.openItems, 'open item')} (${result.since} to ${result.until})`);
    if (result.openItems > 0) print(`read ${result.out}/open-items.md first`);
    print(`recorded as audit event ${result.seq}`);
    return 0;
  } finally {
    service.close();
  }
}
