// Recordings on disk: DATA_DIR/drafts/ID.json, one file per recording, rewritten whole
// (atomically) after every command and every edit, so a crash loses nothing the author did.
// Readable by the owner only: a draft holds command output. Written by the shared safe writer.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RecordingDraft, type RecordingSummary } from '../../contract/api.js';
import { NotFoundError } from '../console/api-error.js';
import { UserError } from '../errors.js';
import { writeFileSafely } from '../safe-write.js';

const StoredDraft = RecordingDraft.extend({ updatedAt: z.string() });
export type StoredDraft = z.infer<typeof StoredDraft>;

/** Draft ids are made by newId('r-'); anything else could climb out of the folder. */
const DRAFT_ID = /^r-[0-9a-z-]{1,80}$/;

export class DraftStore {
  readonly dir: string;

  constructor(private readonly dataDir: string) {
    this.dir = join(dataDir, 'drafts');
  }

  async save(draft: RecordingDraft): Promise<StoredDraft> {
    const stored: StoredDraft = { ...draft, updatedAt: new Date().toISOString() };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      // Never through a drafts folder that is a link out of the data folder: drafts hold output.
      await writeFileSafely(this.pathOf(draft.id), [`${JSON.stringify(stored, null, 2)}\n`], { mode: 0o600, replace: true, inside: { root: this.dataDir, what: 'the data folder' } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(
        `could not save recording ${draft.id} to ${this.pathOf(draft.id)} (${reason}); the previous copy of the draft is unchanged. ` +
          'Free some disk space or fix the folder’s permissions, then try again.',
        1,
      );
    }
    return stored;
  }

  async load(id: string): Promise<StoredDraft> {
    if (!DRAFT_ID.test(id)) throw new NotFoundError(`'${id}' is not a recording id (they look like r-20260314-092653-1a2b3c); nothing was changed`);
    let text: string;
    try {
      text = await readFile(this.pathOf(id), 'utf8');
    } catch {
      throw new NotFoundError(`there is no recording '${id}' in ${this.dir}; nothing was changed. The Record view lists the recordings there are.`);
    }
    const parsed = StoredDraft.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new UserError(`recording ${id} (${this.pathOf(id)}) cannot be read: it is not a recording Handrail wrote; it was left as it is`, 1);
    }
    return parsed.data;
  }

  /** Every recording, unsaved ones first, then newest first; unreadable files are skipped. */
  async list(): Promise<RecordingSummary[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: RecordingSummary[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || !DRAFT_ID.test(name.slice(0, -5))) continue;
      const draft = await this.load(name.slice(0, -5)).catch(() => undefined);
      if (!draft) continue;
      const { steps, ...rest } = draft;
      found.push({ ...pick(rest), steps: steps.length });
    }
    return found.sort((a, b) => Number(a.savedPath !== null) - Number(b.savedPath !== null) || b.updatedAt.localeCompare(a.updatedAt));
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}

function pick(d: Omit<StoredDraft, 'steps'>): Omit<RecordingSummary, 'steps'> {
  return { id: d.id, title: d.title, environment: d.environment, target: d.target, operator: d.operator, startedAt: d.startedAt, savedPath: d.savedPath, updatedAt: d.updatedAt };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
