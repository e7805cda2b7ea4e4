// What the Runbooks view judged of each runbook (its summary and problems), kept in the data
// folder so the next console over a known workspace lists it without the Markdown, SQL and
// shell parsers. Keyed by the file's path and bytes and by handrail.yml's bytes (its own
// problems kept beside, so listing does not parse it either); the whole
// file is dropped when Handrail's judging code (or Node, or an installed package) changed.
// Never the version store's verdict: a version recorded since is checked at every listing.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Problem } from '../../contract/problem.js';
import type { RunbookSummary } from '../../contract/runbook.js';
import { codeStamp } from '../code-stamp.js';
import type { RunbookIdentity } from '../version-check.js';

export interface KeptVerdict {
  summary: RunbookSummary;
  problems: Problem[];
  /** What the version store's check reads; null when the runbook could not be read as one. */
  identity: RunbookIdentity | null;
}

const FILE = join('cache', 'console-runbooks.json');
const CODE = ['workspace', 'workspace-files', 'console/runbook-catalog', 'console/kept-verdicts', 'console/judge-runbooks'];

export class KeptVerdicts {
  private verdicts = new Map<string, KeptVerdict>();
  /** handrail.yml's own problems, under the key of its bytes: listed without parsing it. */
  private inventory: { key: string; problems: Problem[] } | undefined;
  private stamp: string | undefined;
  private changed = false;

  private constructor(private readonly path: string) {}

  /** The kept verdicts of this data folder; none when the file is missing, unreadable or from other code. */
  static async open(dataDir: string, workspace: string): Promise<KeptVerdicts> {
    const kept = new KeptVerdicts(join(dataDir, FILE));
    kept.stamp = JSON.stringify([await codeStamp(CODE), workspace]);
    try {
      const parsed = JSON.parse(await readFile(kept.path, 'utf8')) as { stamp?: unknown; verdicts?: unknown };
      if (parsed.stamp === kept.stamp && parsed.verdicts && typeof parsed.verdicts === 'object') {
        kept.verdicts = new Map(Object.entries(parsed.verdicts as Record<string, KeptVerdict>));
        kept.inventory = (parsed as { inventory?: KeptVerdicts['inventory'] }).inventory;
      }
    } catch {
      // Nothing kept yet, or a file that cannot be read: judge everything.
    }
    return kept;
  }

  get(key: string): KeptVerdict | undefined {
    return this.verdicts.get(key);
  }

  inventoryProblems(key: string): Problem[] | undefined {
    return this.inventory?.key === key ? this.inventory.problems : undefined;
  }

  setInventoryProblems(key: string, problems: Problem[]): void {
    this.inventory = { key, problems };
    this.changed = true;
  }

  set(key: string, verdict: KeptVerdict): void {
    this.verdicts.set(key, verdict);
    this.changed = true;
  }

  /** Keeps the verdicts of `current` only (files gone or changed are dropped), if anything changed. */
  async save(current: Set<string>): Promise<void> {
    for (const key of this.verdicts.keys()) {
      if (!current.has(key)) {
        this.verdicts.delete(key);
        this.changed = true;
      }
    }
    if (!this.changed) return;
    this.changed = false;
    // Written aside and renamed into place: a reader sees the old file or the new one. A
    // verdict that cannot be kept is no fault; the next console judges again.
    const partial = `${this.path}.${process.pid}.partial`;
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFile(partial, JSON.stringify({ stamp: this.stamp, verdicts: Object.fromEntries(this.verdicts), inventory: this.inventory }), { mode: 0o600 });
      await rename(partial, this.path);
    } catch {
      await rm(partial, { force: true }).catch(() => undefined);
    }
  }
}
