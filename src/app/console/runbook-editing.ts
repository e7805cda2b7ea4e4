// The editor's side of the console: the validator on unsaved text (the very function
// `handrail validate` runs, so both show the same problems at the same line:col), a
// runbook's source by id, and saving — with the version raised, errors refused unless saved
// as a draft, written atomically inside the workspace, recorded as a version and audited.
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ApiParsedRequest, ApiResponse } from '../../contract/api.js';
import type { Problem } from '../../contract/problem.js';
import { NAME_PATTERN } from '../../contract/runbook.js';
import { formatProblem } from '../../core/problems.js';
import { parseRunbook } from '../../core/runbook/parse-runbook.js';
import { decodeSourceFile } from '../../core/text-file.js';
import { bumpVersion } from '../../core/runbook/version-bump.js';
import type { NewEvent } from '../../store/new-records.js';
import { UserError } from '../errors.js';
import { sha256Of, type RunbookVersions } from '../runbook-versions.js';
import type { Settings } from '../settings.js';
import { realPathOutside } from '../safe-write.js';
import { versionProblems } from '../version-check.js';
import { DRAFT_SUFFIX, findRunbookFiles, readSource, validateRunbookSource, type RecordedCheck } from '../workspace.js';
import { NotFoundError } from './api-error.js';
import { writeRunbookFile } from './runbook-file-write.js';
import { toStepView } from './step-view.js';

export interface EditingDeps {
  settings: Settings;
  versions: Pick<RunbookVersions, 'conflict' | 'record'>;
  appendEvent: (event: NewEvent) => number;
}

export class RunbookEditing {
  constructor(private readonly deps: EditingDeps) {}

  private get workspace(): string {
    return this.deps.settings.workspace;
  }

  async validateText(r: ApiParsedRequest<'validateText'>): Promise<ApiResponse<'validateText'>> {
    const file = await this.workspaceFile(r.path, 'nothing was validated');
    const bytes = Buffer.from(r.text, 'utf8');
    const problems = await this.problemsOf(file, bytes);
    const parsed = parseRunbook(r.path, bytes);
    const model = parsed.runbook ?? parsed.draft;
    return { problems, steps: (model?.steps ?? []).map(toStepView) };
  }

  async getRunbookSource(r: ApiParsedRequest<'getRunbookSource'>): Promise<ApiResponse<'getRunbookSource'>> {
    const file = await this.fileOf(r.id);
    const [bytes, size] = await readSource(file);
    const decoded = decodeSourceFile(bytes, 'runbook', size);
    const path = this.shown(file);
    if (!decoded.ok) throw new UserError(`${path} cannot be opened in the editor: ${decoded.message}; nothing was changed`);
    const version = parseRunbook(path, bytes, size).runbook?.frontMatter.version ?? '';
    return { path, text: decoded.text, version, sha256: sha256Of(bytes) };
  }

  async saveRunbook(r: ApiParsedRequest<'saveRunbook'>): Promise<ApiResponse<'saveRunbook'>> {
    const unchanged = 'nothing was saved';
    const file = await this.workspaceFile(r.path, unchanged);
    if (!r.draft && file.endsWith(DRAFT_SUFFIX)) {
      throw new UserError(`${r.path} is a draft's name, and drafts are never run; save the runbook under its own name (${basename(file, DRAFT_SUFFIX)}.md); ${unchanged}`);
    }
    // A draft keeps the author's text as it stands; the version is raised when it is saved for real.
    let text = r.text;
    if (!r.draft && r.bump !== 'none') {
      const bumped = bumpVersion(text, r.bump);
      if (!bumped.ok) throw new UserError(`${r.path}: ${bumped.message}; ${unchanged}`);
      text = bumped.text;
    }
    const bytes = Buffer.from(text, 'utf8');
    const parsed = parseRunbook(r.path, bytes).runbook;
    if (!r.draft) await this.keepPrevious(file);
    const problems = await this.problemsOf(file, bytes);
    const target = r.draft ? draftPathOf(file) : file;
    if (!r.draft) {
      const first = problems.find((p) => p.severity === 'error');
      if (first || !parsed) {
        const count = problems.filter((p) => p.severity === 'error').length;
        const more = count > 1 ? ` (and ${count - 1} more problem${count > 2 ? 's' : ''})` : '';
        throw new UserError(
          `${first ? formatProblem(first) : `${r.path}: the front matter is not valid`}${more}; ${unchanged}. Fix it, or save as a draft (${basename(draftPathOf(file))}) to keep the work.`,
        );
      }
      await this.refuseTakenId(parsed.frontMatter.id, file, unchanged);
      await this.refuseSameVersionOnDisk(file, parsed.frontMatter.version, bytes, unchanged);
    }
    await writeRunbookFile(target, bytes, this.shown(target), this.workspace);
    const sha256 = sha256Of(bytes);
    const version = parsed?.frontMatter.version ?? '';
    const id = parsed?.frontMatter.id ?? basename(file, '.md');
    const operator = this.deps.settings.operator;
    if (!r.draft && parsed) this.deps.versions.record({ runbookId: id, version, source: bytes, reason: 'saved', operator });
    this.deps.appendEvent({
      operator,
      kind: 'runbook.saved',
      runId: null,
      body: { id, version, sha256, path: this.shown(target), bump: r.draft ? 'none' : r.bump, draft: r.draft },
    });
    return { path: this.shown(target), id, version, sha256, problems, text };
  }

  private problemsOf(file: string, bytes: Buffer): Promise<Problem[]> {
    const recorded: RecordedCheck = (runbook) => versionProblems(runbook, this.deps.versions);
    // Paths as the workspace sees them: `handrail validate NAME.md` run in the workspace prints the same lines.
    return validateRunbookSource(file, [bytes, bytes.length], this.workspace, { cwd: this.workspace }, recorded);
  }

  /**
   * The version being replaced goes into the history first (as `seen`), so the History view
   * can compare it with the new one even when it was never run. A file whose version is
   * already stored with other bytes is left out: the store keeps the first content.
   */
  private async keepPrevious(file: string): Promise<void> {
    const source = await readSource(file).catch(() => undefined);
    if (!source) return; // a new file: nothing to keep
    const old = parseRunbook(file, ...source).runbook;
    if (!old) return;
    const { id, version } = old.frontMatter;
    if (this.deps.versions.conflict(id, version, old.sha256)) return;
    this.deps.versions.record({ runbookId: id, version, source: source[0], reason: 'seen', operator: this.deps.settings.operator });
  }

  private async refuseTakenId(id: string, file: string, unchanged: string): Promise<void> {
    for (const other of await findRunbookFiles(this.workspace)) {
      if (other === file) continue;
      if ((await this.idOf(other)) === id) {
        throw new UserError(`runbook id '${id}' is already used by ${this.shown(other)}; give this runbook another id in its front matter (ids name runbooks in runs and the audit trail); ${unchanged}`);
      }
    }
  }

  /** The version store may not know the file on disk (never saved or run here); its own version still counts. */
  private async refuseSameVersionOnDisk(file: string, version: string, bytes: Buffer, unchanged: string): Promise<void> {
    const current = await readSource(file).catch(() => undefined);
    if (!current || Buffer.compare(Buffer.from(current[0]), bytes) === 0) return;
    const onDisk = parseRunbook(file, ...current).runbook?.frontMatter.version;
    if (onDisk === version) {
      throw new UserError(`${this.shown(file)} already holds version ${version} with other content; choose a version bump (patch, minor or major) so each version names one content; ${unchanged}`);
    }
  }

  /** The file of a runbook id, the way the Runbooks view lists it (a file whose front matter does not parse goes by its name). */
  private async fileOf(id: string): Promise<string> {
    if (!new RegExp(NAME_PATTERN).test(id)) throw new NotFoundError(`'${id}' is not a runbook id (ids are lowercase letters, digits and hyphens); nothing was read`);
    for (const file of await findRunbookFiles(this.workspace)) {
      if ((await this.idOf(file)) === id) return file;
    }
    throw new NotFoundError(`there is no runbook '${id}' in the workspace ${this.workspace}; nothing was read`);
  }

  private async idOf(file: string): Promise<string> {
    return parseRunbook(file, ...(await readSource(file))).runbook?.frontMatter.id ?? basename(file, '.md');
  }

  /**
   * The request's path inside the workspace. The contract's pattern already refuses `..`
   * and absolute paths; this also refuses a symbolic link that leads out of it.
   */
  private async workspaceFile(path: string, unchanged: string): Promise<string> {
    const outside = new UserError(`${path} is outside the workspace ${this.workspace}; runbooks are saved inside it (a name like db/rotate.md); ${unchanged}`);
    const file = resolve(this.workspace, path);
    if (!isInside(this.workspace, file)) throw outside;
    const real = await realPathOutside(this.workspace, file).catch(() => {
      throw new UserError(`the workspace folder ${this.workspace} does not exist; ${unchanged}`);
    });
    if (real !== undefined) throw outside;
    return file;
  }

  private shown(file: string): string {
    return relative(this.workspace, file).split(sep).join('/');
  }
}

/** `db/rotate.md` → `db/rotate.draft.md`; a draft's own name stays. */
export function draftPathOf(file: string): string {
  return file.endsWith(DRAFT_SUFFIX) ? file : join(dirname(file), `${basename(file, '.md')}${DRAFT_SUFFIX}`);
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
