// The workspace as the Runbooks view shows it: every runbook with its validation problems
// (with line numbers) and its last run here, one runbook's steps, and the environments of
// the inventory. Read from disk at each request: a runbook edited while the app is open
// shows as it is now. (A run is bound to the bytes it started with; see run-detail.ts.)
// The parsers (Markdown, YAML, SQL, shell) are imported only when a runbook must be judged
// here: a known workspace is listed from the kept verdicts without loading them.
import { isProtectedEnvironment } from '../../core/guards/protected-environment.js';
import { createHash } from 'node:crypto';
import { basename, relative } from 'node:path';
import type { ConsoleEvent, EnvironmentInfo, RunbookDetail, RunbookListItem } from '../../contract/api.js';
import { targetKind, type TargetSpec } from '../../contract/inventory.js';
import type { Problem } from '../../contract/problem.js';
import { NAME_PATTERN, type RunbookSummary } from '../../contract/runbook.js';
import type { AppDatabase } from '../../store/open-database.js';
import { lastRunOf } from '../../store/run-query.js';
import { withVerdicts } from '../run-verdicts.js';
import { expandPath } from '../paths.js';
import type { Settings } from '../settings.js';
import { checkListItems } from '../run-records.js';
import type { RunbookVersions } from '../runbook-versions.js';
import { versionProblems, type RunbookIdentity } from '../version-check.js';
import type { LoadedInventory, RunbookEntry } from '../workspace.js';
import { findRunbookFiles, readSource, requireInventory, shownPath } from '../workspace-files.js';
import { NotFoundError } from './api-error.js';
import { KeptVerdicts } from './kept-verdicts.js';
import { toStepView } from './step-view.js';

type JudgeRunbooks = typeof import('./judge-runbooks.js');
/** How long after listing runbooks from a glance their judging starts (see judgeSoon). */
const JUDGING_DELAY_MS = 300;
type GlanceAt = typeof import('../../core/runbook/front-matter-glance.js').glanceAtFrontMatter;

/** A runbook as listed: its parse only when it was judged here (not when its verdict was kept from an earlier console). */
type CatalogEntry = Omit<RunbookEntry, 'parsed'> & { parsed?: RunbookEntry['parsed']; identity: RunbookIdentity | null };

/** A runbook as the list shows it: judged, or (`judging`) only glanced at. */
type ListedEntry = Pick<CatalogEntry, 'summary' | 'problems'> & { judging?: true };

export class RunbookCatalog {
  /** Judged runbooks by file, reused while neither the file's bytes nor the inventory changed (validation parses every SQL statement). */
  private readonly judged = new Map<string, { key: string; entry: CatalogEntry }>();
  private kept: Promise<KeptVerdicts> | undefined;
  /** A listing under way: the next one waits for it and reuses what it judged rather than judging the same files twice. */
  private reading: Promise<unknown> = Promise.resolve();
  private judgingModule: Promise<JudgeRunbooks> | undefined;
  /** The `runbooks-judged` event promised by a listing that showed runbooks still being judged (one for all such listings). */
  private judgedNotice: Promise<void> | undefined;
  private judgingTimer: NodeJS.Timeout | undefined;
  /** The last judging in the background failed: the next listing judges before it answers. */
  private judgingFailed = false;
  private closed = false;

  constructor(
    private readonly settings: Settings,
    private readonly db: AppDatabase['db'],
    private readonly versions: RunbookVersions,
    private readonly emit: (event: ConsoleEvent) => void,
  ) {}

  /**
   * Every runbook with its verdict. When some have none yet (a data folder that has not seen
   * these bytes, where judging takes about a second), the list does not wait for them: they are
   * listed from their front matter as `judging`, judging starts a moment later, and a
   * `runbooks-judged` event follows once it has ended, so the first screen shows the workspace
   * at once.
   */
  async list(): Promise<{ runbooks: RunbookListItem[]; inventoryProblems: Problem[] }> {
    const atHand = await this.glance().catch(() => undefined);
    // Every verdict kept or judged here: the list the judging would give, read once.
    if (atHand?.complete) return this.listItems(atHand.entries, atHand.inventoryProblems);
    if (atHand?.pending && !this.judgingFailed) {
      this.judgeSoon();
      return this.listItems(atHand.entries, atHand.inventoryProblems);
    }
    // After a judging in the background failed, the list judges first, so that the failure
    // is reported in the operator's view rather than "being checked…" for ever.
    const { entries, inventoryProblems } = await this.read();
    this.judgingFailed = false;
    return this.listItems(entries, inventoryProblems);
  }

  /**
   * Judges what a glance listed, JUDGING_DELAY_MS from now, then sends `runbooks-judged` (also
   * when judging failed: the listing that follows judges again and reports the failure). Not at once: loading the parsers
   * and judging hold the server's only thread for a hundred milliseconds and more at a time,
   * and the page that asked is then fetching its scripts from this same server.
   */
  private judgeSoon(): void {
    if (this.judgedNotice) return;
    this.judgedNotice = new Promise<void>((resolve) => {
      this.judgingTimer = setTimeout(resolve, JUDGING_DELAY_MS);
    })
      .then(() => this.read())
      .then(
        () => (this.judgingFailed = false),
        () => (this.judgingFailed = true),
      )
      .then(() => {
        this.judgedNotice = undefined;
        if (!this.closed) this.emit({ type: 'runbooks-judged' });
      });
  }

  /** Judging not started yet is not started: the console is stopping. */
  close(): void {
    this.closed = true;
    clearTimeout(this.judgingTimer);
    this.judgedNotice = undefined;
  }

  private listItems(entries: ListedEntry[], inventoryProblems: Problem[]): { runbooks: RunbookListItem[]; inventoryProblems: Problem[] } {
    const runbooks = entries.map(({ summary, problems, judging }): RunbookListItem => {
      const row = lastRunOf(this.db, summary.id);
      const [checked] = row ? checkListItems(this.db, [row]) : [];
      const last = checked ? withVerdicts(this.db, { total: 1, runs: [checked] }).runs[0] : undefined;
      return {
        ...summary,
        lastRun: last
          ? { id: last.id, status: last.status, startedAt: last.startedAt, environment: last.environment, verdict: last.verdict, deviations: last.deviations }
          : null,
        problemList: problems,
        ...(judging ? { judging } : {}),
      };
    });
    return { runbooks, inventoryProblems };
  }

  /**
   * The workspace as far as it is known without judging: each runbook's verdict where one is at
   * hand (judged here or kept), else a glance at its front matter. `complete` when every
   * runbook and handrail.yml have a verdict, `pending` when some runbook has none. Reads only:
   * judging keeps and stores what it judges.
   */
  private async glance(): Promise<{ entries: ListedEntry[]; inventoryProblems: Problem[]; complete: boolean; pending: boolean }> {
    const workspace = this.settings.workspace;
    const inventoryPath = await requireInventory(workspace);
    const inventoryKey = keyOfInventory(workspace, inventoryPath, await readSource(inventoryPath));
    this.kept ??= KeptVerdicts.open(this.settings.dataDir, workspace);
    const kept = await this.kept;
    const entries: ListedEntry[] = [];
    const unjudged: { file: string; source: [Uint8Array, number] }[] = [];
    for (const file of await findRunbookFiles(workspace)) {
      const source = await readSource(file);
      const key = keyOfRunbook(file, inventoryKey, source);
      const verdict = this.judged.get(file)?.key === key ? this.judged.get(file)?.entry : kept.get(key);
      if (verdict) entries.push(this.withVersionConflict(verdict));
      else unjudged.push({ file, source });
    }
    if (unjudged.length > 0) {
      const { glanceAtFrontMatter } = await import('../../core/runbook/front-matter-glance.js');
      for (const { file, source } of unjudged) entries.push({ summary: glancedSummary(workspace, file, source, glanceAtFrontMatter), problems: [], judging: true });
    }
    // The inventory's problems are listed once it is judged (with the runbooks, or kept).
    const inventoryProblems = kept.inventoryProblems(inventoryKey);
    return {
      entries: entries.sort((a, b) => a.summary.id.localeCompare(b.summary.id)),
      inventoryProblems: inventoryProblems ?? [],
      complete: unjudged.length === 0 && inventoryProblems !== undefined,
      pending: unjudged.length > 0,
    };
  }

  /**
   * Lists the workspace now, in the background, so the first listing (the console's first
   * screen) finds the verdicts kept or the front matter read, and the judging of the rest
   * scheduled; a failure is left for that listing to report.
   */
  prepare(): void {
    void this.list().catch(() => undefined);
  }

  async detail(id: string): Promise<RunbookDetail> {
    if (!new RegExp(NAME_PATTERN).test(id)) throw new NotFoundError(`'${id}' is not a runbook id (ids are lowercase letters, digits and hyphens); nothing was read`);
    const found = (await this.read(id)).entries.find((e) => e.summary.id === id);
    if (!found?.parsed) throw new NotFoundError(`there is no runbook '${id}' in the workspace ${this.settings.workspace}; nothing was read`);
    // A runbook with problems still shows the steps that could be read, so the problems can be placed.
    const model = found.parsed.runbook ?? found.parsed.draft;
    return { summary: found.summary, inputs: model?.frontMatter.inputs ?? {}, steps: (model?.steps ?? []).map(toStepView), problemList: found.problems };
  }

  /**
   * Not cached with the rest: whether these bytes conflict with a recorded version changes when
   * a run or a save records one, while the file stays the same.
   */
  private withVersionConflict(entry: CatalogEntry): CatalogEntry {
    const conflict = entry.identity ? versionProblems(entry.identity, this.versions) : [];
    if (conflict.length === 0) return entry;
    return { ...entry, problems: [...conflict, ...entry.problems], summary: { ...entry.summary, problems: entry.summary.problems + conflict.length } };
  }

  /** `parse`: the id of a runbook whose parse is needed (its steps), judged here even when its verdict was kept. */
  private read(parse?: string): Promise<{ entries: CatalogEntry[]; inventoryProblems: Problem[] }> {
    const result = this.reading.catch(() => undefined).then(() => this.readNow(parse));
    this.reading = result;
    return result;
  }

  private async readNow(parse?: string): Promise<{ entries: CatalogEntry[]; inventoryProblems: Problem[] }> {
    const workspace = this.settings.workspace;
    // Keyed by handrail.yml's bytes, and parsed from those very bytes when something must be
    // judged: the same bytes always parse the same, so a kept verdict stands for the parse.
    const inventoryPath = await requireInventory(workspace);
    const inventorySource = await readSource(inventoryPath);
    const inventoryKey = keyOfInventory(workspace, inventoryPath, inventorySource);
    let parsedInventory: LoadedInventory | undefined;
    const inventory = async (): Promise<LoadedInventory> => (parsedInventory ??= (await this.judging()).inventoryOf(workspace, inventoryPath, inventorySource));
    this.kept ??= KeptVerdicts.open(this.settings.dataDir, workspace);
    const kept = await this.kept;
    const files = await findRunbookFiles(workspace);
    const read: { file: string; source: [Uint8Array, number]; key: string }[] = [];
    for (const file of files) {
      const source = await readSource(file);
      read.push({ file, source, key: keyOfRunbook(file, inventoryKey, source) });
    }
    let inventoryProblems = kept.inventoryProblems(inventoryKey);
    if (!inventoryProblems) {
      inventoryProblems = (await inventory()).problems;
      kept.setInventoryProblems(inventoryKey, inventoryProblems);
    }
    const entries: CatalogEntry[] = [];
    for (const { file, source, key } of read) {
      let judged = this.judged.get(file);
      if (judged?.key !== key) {
        const verdict = kept.get(key);
        judged = { key, entry: verdict ?? (await this.judge(file, source, await inventory(), kept, key)) };
        this.judged.set(file, judged);
      }
      if (!judged.entry.parsed && judged.entry.summary.id === parse) {
        judged = { key, entry: await this.judge(file, source, await inventory(), kept, key) };
        this.judged.set(file, judged);
      }
      entries.push(this.withVersionConflict(judged.entry));
    }
    for (const file of this.judged.keys()) if (!files.includes(file)) this.judged.delete(file);
    await kept.save(new Set(read.map(({ key }) => key)));
    return { entries: entries.sort((a, b) => a.summary.id.localeCompare(b.summary.id)), inventoryProblems };
  }

  /** The judging code with every parser, imported here on first need. */
  private judging(): Promise<JudgeRunbooks> {
    this.judgingModule ??= import('./judge-runbooks.js');
    return this.judgingModule;
  }

  private async judge(file: string, source: [Uint8Array, number], inventory: LoadedInventory, kept: KeptVerdicts, key: string): Promise<CatalogEntry> {
    const { entry, verdict } = await (await this.judging()).judgeRunbook(this.settings.workspace, file, source, inventory);
    kept.set(key, verdict);
    return { ...entry, identity: verdict.identity };
  }
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** handrail.yml's part of every verdict's key: its place and its bytes. */
function keyOfInventory(workspace: string, path: string, source: [Uint8Array, number]): string {
  return sha256(JSON.stringify([relative(workspace, path), sha256(source[0]), source[1]]));
}

/** A verdict's key: the runbook's place and bytes, and the inventory it was judged against. */
function keyOfRunbook(file: string, inventoryKey: string, source: [Uint8Array, number]): string {
  return `${file}/${inventoryKey}/${sha256(source[0])}/${source[1]}`;
}

/** A runbook not judged yet, as listed: its front matter's valid keys, else its file's name. */
function glancedSummary(workspace: string, file: string, source: [Uint8Array, number], glanceAt: GlanceAt): RunbookSummary {
  const glance = glanceAt(new TextDecoder().decode(source[0]));
  return {
    id: glance.id ?? basename(file, '.md'),
    title: glance.title ?? basename(file),
    version: glance.version ?? '',
    ...(glance.owner ? { owner: glance.owner } : {}),
    ...(glance.summary ? { summary: glance.summary } : {}),
    ...(glance.environments ? { environments: glance.environments } : {}),
    path: shownPath(workspace, file),
    sha256: '',
    steps: 0,
    problems: 0,
  };
}

export async function environmentList(settings: Settings): Promise<EnvironmentInfo[]> {
  const inventory = await (await import('../run-plan.js')).loadInventory(settings.workspace);
  return Object.entries(inventory.environments).map(([name, env]) => ({
    name,
    protected: env.protected === true,
    ...(env.description ? { description: env.description } : {}),
    targets: Object.entries(env.targets).map(([target, spec]) => ({ name: target, kind: targetKind(spec), where: where(spec, settings) })),
  }));
}

/** Whether the inventory marks the environment protected; false when it cannot be read (it is shown elsewhere). */
export async function isProtected(settings: Settings, environment: string): Promise<boolean> {
  try {
    return isProtectedEnvironment(await (await import('../run-plan.js')).loadInventory(settings.workspace), environment);
  } catch {
    return false;
  }
}

function where(spec: TargetSpec, settings: Settings): string {
  if (spec === 'local') return 'this machine';
  if ('ssh' in spec) return `${spec.ssh}:${spec.port ?? 22}`;
  if ('sqlite' in spec) return expandPath(spec.sqlite, settings);
  return spec.postgres;
}
