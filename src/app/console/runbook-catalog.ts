// The workspace as the Runbooks view shows it: every runbook with its validation problems
// (with line numbers) and its last run here, one runbook's steps, and the environments of
// the inventory. Read from disk at each request: a runbook edited while the app is open
// shows as it is now. (A run is bound to the bytes it started with; see run-detail.ts.)
// The parsers (Markdown, YAML, SQL, shell) are imported only when a runbook must be judged
// here: a known workspace is listed from the kept verdicts without loading them.
import { isProtectedEnvironment } from '../../core/guards/protected-environment.js';
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import type { EnvironmentInfo, RunbookDetail, RunbookListItem } from '../../contract/api.js';
import { targetKind, type TargetSpec } from '../../contract/inventory.js';
import type { Problem } from '../../contract/problem.js';
import { NAME_PATTERN } from '../../contract/runbook.js';
import type { AppDatabase } from '../../store/open-database.js';
import { lastRunOf } from '../../store/run-query.js';
import { withVerdicts } from '../run-verdicts.js';
import { expandPath } from '../paths.js';
import type { Settings } from '../settings.js';
import { checkListItems } from '../run-records.js';
import type { RunbookVersions } from '../runbook-versions.js';
import { versionProblems, type RunbookIdentity } from '../version-check.js';
import type { LoadedInventory, RunbookEntry } from '../workspace.js';
import { findRunbookFiles, readSource, requireInventory } from '../workspace-files.js';
import { NotFoundError } from './api-error.js';
import { KeptVerdicts } from './kept-verdicts.js';
import { toStepView } from './step-view.js';

type JudgeRunbooks = typeof import('./judge-runbooks.js');

/** A runbook as listed: its parse only when it was judged here (not when its verdict was kept from an earlier console). */
type CatalogEntry = Omit<RunbookEntry, 'parsed'> & { parsed?: RunbookEntry['parsed']; identity: RunbookIdentity | null };

export class RunbookCatalog {
  /** Judged runbooks by file, reused while neither the file's bytes nor the inventory changed (validation parses every SQL statement). */
  private readonly judged = new Map<string, { key: string; entry: CatalogEntry }>();
  private kept: Promise<KeptVerdicts> | undefined;
  /** A listing under way: the next one waits for it and reuses what it judged rather than judging the same files twice. */
  private reading: Promise<unknown> = Promise.resolve();
  private judgingModule: Promise<JudgeRunbooks> | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly db: AppDatabase['db'],
    private readonly versions: RunbookVersions,
  ) {}

  async list(): Promise<{ runbooks: RunbookListItem[]; inventoryProblems: Problem[] }> {
    const { entries, inventoryProblems } = await this.read();
    const runbooks = entries.map(({ summary, problems }): RunbookListItem => {
      const row = lastRunOf(this.db, summary.id);
      const [checked] = row ? checkListItems(this.db, [row]) : [];
      const last = checked ? withVerdicts(this.db, { total: 1, runs: [checked] }).runs[0] : undefined;
      return {
        ...summary,
        lastRun: last
          ? { id: last.id, status: last.status, startedAt: last.startedAt, environment: last.environment, verdict: last.verdict, deviations: last.deviations }
          : null,
        problemList: problems,
      };
    });
    return { runbooks, inventoryProblems };
  }

  /**
   * Judges the workspace now, in the background, so the first listing (the console's first
   * screen) finds it judged; a failure is left for that listing to report.
   */
  prepare(): void {
    void this.read().catch(() => undefined);
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
    const inventoryKey = sha256(JSON.stringify([relative(workspace, inventoryPath), sha256(inventorySource[0]), inventorySource[1]]));
    let parsedInventory: LoadedInventory | undefined;
    const inventory = async (): Promise<LoadedInventory> => (parsedInventory ??= (await this.judging()).inventoryOf(workspace, inventoryPath, inventorySource));
    this.kept ??= KeptVerdicts.open(this.settings.dataDir, workspace);
    const kept = await this.kept;
    const files = await findRunbookFiles(workspace);
    const read: { file: string; source: [Uint8Array, number]; key: string }[] = [];
    for (const file of files) {
      const source = await readSource(file);
      read.push({ file, source, key: `${file}/${inventoryKey}/${sha256(source[0])}/${source[1]}` });
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
