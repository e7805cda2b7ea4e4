// Saving a recording: the draft becomes runbook 1.0.0 in a new file (never over an existing
// one), judged by the same validator as `handrail validate`, stored in the version history,
// and recorded in the audit trail. Commands flagged destructive must have been reviewed:
// each keeps `confirm` (given when it was recorded) or is listed as acknowledged.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Problem } from '../../contract/problem.js';
import { parseRunbook } from '../../core/runbook/parse-runbook.js';
import type { NewEvent } from '../../store/new-records.js';
import { UserError } from '../errors.js';
import type { VersionRecord } from '../runbook-versions.js';
import { operatorBody, type Settings } from '../settings.js';
import { realPathOutside, WriteRefused, writeFileSafely } from '../safe-write.js';
import { findRunbookFiles, readSource, validatePaths } from '../workspace.js';
import type { DraftStore, StoredDraft } from './draft-store.js';
import { FIRST_VERSION, renderRecording, runbookIdFrom } from './recording-markdown.js';

const NOTHING = 'nothing was written';

export interface SaveRequest {
  /** Absolute path of the new runbook file. */
  path: string;
  /** Steps (0-based) flagged destructive that the author saves without `confirm`. */
  acknowledged: readonly number[];
  /** Problem paths are shown relative to this folder. */
  cwd: string;
}

export interface SavedRecording {
  path: string;
  id: string;
  sha256: string;
  markdown: string;
  problems: Problem[];
}

export interface SaveContext {
  settings: Settings;
  drafts: DraftStore;
  audit(event: NewEvent): void;
  versions: { record(e: VersionRecord): unknown; conflict(runbookId: string, version: string, sha256: string): string | undefined } | undefined;
}

export async function saveRecording(draft: StoredDraft, request: SaveRequest, ctx: SaveContext): Promise<SavedRecording> {
  if (draft.steps.length === 0) throw new UserError(`recording ${draft.id} has no steps yet; run at least one command first; ${NOTHING}`);
  if (!request.path.endsWith('.md')) throw new UserError(`${request.path}: a runbook file name ends in .md; ${NOTHING}`);
  const acknowledged = new Set(request.acknowledged);
  const unreviewed = draft.steps.flatMap((s, i) => (s.destructive.length > 0 && !s.confirm && !acknowledged.has(i) ? [`step ${i + 1} (${s.title}: ${s.destructive.join('; ')})`] : []));
  if (unreviewed.length > 0) {
    throw new UserError(
      `${unreviewed.join(', ')} look${unreviewed.length === 1 ? 's' : ''} destructive and would run without asking; ` +
        `mark ${unreviewed.length === 1 ? 'it' : 'them'} confirm, or acknowledge that you reviewed ${unreviewed.length === 1 ? 'it' : 'them'}; ${NOTHING}`,
    );
  }
  await refuseOutsideWorkspace(request.path, ctx.settings.workspace, NOTHING);
  const id = runbookIdFrom(draft.title);
  await refuseTakenId(id, request.path, ctx.settings.workspace);
  const markdown = renderRecording(draft, { id, acknowledged });
  const bytes = Buffer.from(markdown, 'utf8');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const conflict = ctx.versions?.conflict(id, FIRST_VERSION, sha256);
  if (conflict) {
    throw new UserError(`runbook '${id}' ${FIRST_VERSION} is already in the version history with other content (handrail history ${id}); give the recording another title; ${NOTHING}`);
  }

  try {
    // Shared with others (and usually committed), like any runbook: 0644 unless the umask says otherwise.
    await writeFileSafely(request.path, [markdown], { mode: 0o644, replace: false, createFolders: true, inside: { root: ctx.settings.workspace, what: 'the workspace' } });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof WriteRefused) throw new UserError(`${error.message}; ${NOTHING}`);
    if (code === 'EEXIST') throw new UserError(`${request.path} already exists; choose another file name (a recording never overwrites a file); ${NOTHING}`);
    throw new UserError(`could not write ${request.path} (${error instanceof Error ? error.message : String(error)}); ${NOTHING}; the recording is kept`, 1);
  }
  await ctx.drafts.save({ ...draft, savedPath: request.path });

  const report = await validatePaths([request.path], ctx.settings.workspace, { cwd: request.cwd });
  const problems = [...report.problems];
  try {
    ctx.versions?.record({ runbookId: id, version: FIRST_VERSION, source: bytes, reason: 'recorded', operator: ctx.settings.operator });
  } catch (error) {
    const shown = problems[0]?.path ?? request.path;
    problems.push({ path: shown, line: 1, col: 1, severity: 'warning', message: `the runbook was written but not stored in the version history: ${error instanceof Error ? error.message : String(error)}` });
  }
  ctx.audit({
    operator: ctx.settings.operator,
    kind: 'recording.saved',
    runId: null,
    environment: draft.environment,
    target: draft.target,
    body: {
      draftId: draft.id,
      runbook: id,
      version: FIRST_VERSION,
      sha256,
      path: request.path,
      steps: draft.steps.length,
      ...(acknowledged.size > 0 ? { acknowledgedDestructive: [...acknowledged].sort((a, b) => a - b).map((i) => draft.steps[i]?.command ?? '') } : {}),
      errors: problems.filter((p) => p.severity === 'error').length,
      ...operatorBody(ctx.settings),
    },
  });
  return { path: request.path, id, sha256, markdown, problems };
}

/**
 * What saving would refuse, checked before the first command runs (the CLI knows the file
 * name from the start): a name without .md, a file already there, an id already taken.
 */
export async function checkSaveTarget(title: string, path: string, workspace: string): Promise<void> {
  const nothing = 'nothing was run';
  if (!path.endsWith('.md')) throw new UserError(`${path}: a runbook file name ends in .md; ${nothing}`);
  if (await stat(path).catch(() => undefined)) throw new UserError(`${path} already exists; choose another file name (a recording never overwrites a file); ${nothing}`);
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new UserError(`the folder ${dirname(path)} does not exist; create it or write the runbook elsewhere; ${nothing}`);
  await refuseOutsideWorkspace(path, workspace, nothing);
  await refuseTakenId(runbookIdFrom(title), path, workspace, nothing);
}

/**
 * A recording becomes a runbook of the workspace (listed, run by id, its id checked against
 * the others), so it is written inside it: judged by real paths, so that a folder in the
 * workspace that is a link cannot carry it elsewhere.
 */
async function refuseOutsideWorkspace(path: string, workspace: string, outcome: string): Promise<void> {
  const real = await realPathOutside(workspace, dirname(path)).catch(() => {
    throw new UserError(`the workspace folder ${workspace} does not exist; set --workspace or HANDRAIL_WORKSPACE to your runbooks' folder; ${outcome}`);
  });
  if (real !== undefined) {
    throw new UserError(`${path} is outside the workspace ${workspace} (its folder is ${real}); a recording is saved as a runbook of the workspace, so choose a file inside it; ${outcome}`);
  }
}

/** Two runbooks with one id would make `handrail run ID` ambiguous; a new one must not take a used id. */
async function refuseTakenId(id: string, path: string, workspace: string, outcome = NOTHING): Promise<void> {
  const inside = relative(resolve(workspace), resolve(path));
  if (inside.startsWith(`..${sep}`) || inside === '..') return;
  for (const file of await findRunbookFiles(workspace).catch(() => [] as string[])) {
    const [source, size] = await readSource(file);
    if (parseRunbook(file, source, size).runbook?.frontMatter.id === id) {
      throw new UserError(`runbook id '${id}' (from the title) is already used by ${relative(workspace, file)}; give the recording another title; ${outcome}`);
    }
  }
}
