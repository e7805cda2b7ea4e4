// The runbook editor (#/edit/ID, #/new): the Markdown in CodeMirror with the validator's
// problems as you type, a preview of the steps as the Run view will show them, and saving
// with a version bump — or as a draft file while it still has problems.
import { useEffect, useRef, useState } from 'react';
import type { EnvironmentInfo, StepView } from '../../../../src/contract/api.js';
import { WorkspaceFile } from '../../../../src/contract/api.js';
import type { Problem } from '../../../../src/contract/problem.js';
import { useClient } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { markAppState } from '../../lib/app-state.js';
import { href, navigate } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { CodeEditor, type CodeEditorHandle } from './code-editor.js';
import { EditorProblems } from './editor-problems.js';
import { isSettledByBump } from './problem-text.js';
import { ImportScriptDialog } from './import-script-dialog.js';
import { handOverNotice, takeNotice, takePendingDraft, type PendingDraft } from './pending-draft.js';
import { newRunbookText, runbookIdOf } from './runbook-text.js';
import { SaveBar, useSaving, type SaveRequest } from './save-bar.js';
import { StepsPreviewPanel } from './steps-preview-panel.js';
import './editor.css';

interface Opened {
  text: string;
  path: string;
  warnings: readonly string[];
}

/** `id` undefined: a new runbook (from the template, or a script just imported). */
export function RunbookEditorView({ id }: { id?: string }) {
  const client = useClient();
  const environments = useLoad(() => client.listEnvironments({}), []);
  const [pending] = useState(() => (id === undefined ? takePendingDraft() : undefined));
  const source = useLoad(() => (id === undefined ? Promise.resolve(undefined) : client.getRunbookSource({ id })), [id]);
  const [imported, setImported] = useState<{ draft: PendingDraft; n: number } | undefined>(pending && { draft: pending, n: 0 });

  let opened: Opened | undefined;
  if (id !== undefined && source.data) opened = { text: source.data.text, path: source.data.path, warnings: [] };
  if (id === undefined && imported) opened = imported.draft;
  if (id === undefined && !imported && environments.data) opened = { text: newRunbookText(environments.data.environments), path: 'new-runbook.md', warnings: [] };
  const failed = source.error ?? (id === undefined && !imported ? environments.error : null);

  const isOpen = opened !== undefined;
  useEffect(() => {
    if (isOpen) markAppState('ready');
    else if (failed) markAppState('error');
  }, [isOpen, failed]);

  return (
    <section className="view editor-view">
      <p className="breadcrumb">
        <a href={href.runbooks()}>← All runbooks</a>
        {id !== undefined ? (
          <>
            {' · '}
            <a href={href.runbook(id)}>Run setup</a>
            {' · '}
            <a href={href.history(id)}>History</a>
          </>
        ) : null}
      </p>
      <PageHeading>{id === undefined ? 'New runbook' : `Edit ${id}`}</PageHeading>
      <ErrorAlert error={failed} title={id === undefined ? 'The inventory could not be read.' : 'This runbook could not be opened.'} />
      {opened ? (
        <Editing
          key={imported ? `import-${imported.n}` : (source.data?.sha256 ?? 'new')}
          id={id}
          opened={opened}
          environments={environments.data?.environments ?? []}
          onImported={id === undefined ? (draft) => setImported((before) => ({ draft, n: (before?.n ?? 0) + 1 })) : undefined}
        />
      ) : failed ? null : (
        <p className="muted">Opening…</p>
      )}
    </section>
  );
}

interface Validation {
  text: string;
  path: string;
  problems: readonly Problem[];
  steps: readonly StepView[];
}

function Editing({
  id,
  opened,
  environments,
  onImported,
}: {
  id: string | undefined;
  opened: Opened;
  environments: readonly EnvironmentInfo[];
  onImported: ((draft: PendingDraft) => void) | undefined;
}) {
  const client = useClient();
  const editor = useRef<CodeEditorHandle>(null);
  const [text, setText] = useState(opened.text);
  const [path, setPath] = useState(opened.path);
  const [pathTouched, setPathTouched] = useState(false);
  const [savedText, setSavedText] = useState(id === undefined ? null : opened.text);
  const [validation, setValidation] = useState<Validation | undefined>(undefined);
  const [validationError, setValidationError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const isNew = id === undefined;

  // A new runbook's file is named after its id until the author names it.
  const suggested = `${runbookIdOf(text) ?? 'new-runbook'}.md`;
  const filePath = isNew && !pathTouched ? suggested : path;
  const pathOk = WorkspaceFile.safeParse(filePath).success;
  // Problems are placed on the file they will be saved as; an unusable name still gets its text checked.
  const checkedPath = pathOk ? filePath : suggested;
  const latestPath = useRef(checkedPath);
  latestPath.current = checkedPath;
  useEffect(() => editor.current?.relint(), [checkedPath]);

  // Closing or reloading the window with unsaved changes asks first.
  const dirty = savedText !== text;
  useEffect(() => {
    if (!dirty) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [dirty]);

  const targets = [...new Set(['local', ...environments.flatMap((e) => e.targets.map((t) => t.name))])].sort();

  async function validate(t: string): Promise<readonly Problem[]> {
    const asked = latestPath.current;
    try {
      const result = await client.validateText({ path: asked, text: t });
      setValidation({ text: t, path: asked, problems: result.problems, steps: result.steps });
      setValidationError(null);
      return result.problems;
    } catch (e) {
      setValidationError(errorText(e));
      throw e;
    }
  }

  const saving = useSaving(async (request: SaveRequest): Promise<string> => {
    const saved = await client.saveRunbook({ path: filePath, text, bump: isNew ? 'none' : request.bump, draft: request.draft });
    if (request.draft) return `Saved as a draft: ${saved.path}. Drafts are not listed or run; fix the problems, then save the runbook.`;
    const said = `Saved version ${saved.version} as ${saved.path}.`;
    if (isNew) {
      // The runbook has an id now: carry on in its own editor, which shows this message.
      handOverNotice(said);
      navigate(href.edit(saved.id));
      return said;
    }
    editor.current?.replaceText(saved.text);
    setText(saved.text);
    setSavedText(saved.text);
    return said;
  });
  const [notice] = useState(takeNotice);

  const current = validation && validation.text === text && validation.path === checkedPath;
  // A version conflict is what Save's own bump settles; only the other errors stop Save.
  const errorList = current ? validation.problems.filter((p) => p.severity === 'error') : undefined;
  const settledBySave = errorList !== undefined && !isNew ? errorList.filter(isSettledByBump).length : 0;
  const errors = errorList === undefined ? undefined : errorList.length - settledBySave;

  return (
    <>
      {opened.warnings.length > 0 ? (
        <div className="alert alert-warn" role="note">
          <strong className="alert-title">The import asks you to look at:</strong>
          <ul className="import-warnings">
            {opened.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="editor-toolbar">
        {isNew ? (
          <label className="field field-inline">
            <span className="field-label">File name</span>
            <input
              type="text"
              value={filePath}
              onChange={(e) => {
                setPath(e.target.value);
                setPathTouched(true);
              }}
              aria-invalid={!pathOk}
              aria-describedby="file-name-help"
              autoComplete="off"
              spellCheck={false}
            />
            <span id="file-name-help" className={pathOk ? 'field-help' : 'field-problem'}>
              {pathOk ? 'inside the workspace, e.g. db/rotate-keys.md' : 'a name ending in .md, with letters, digits, - _ . and / only'}
            </span>
          </label>
        ) : (
          <span className="muted">
            <code>{filePath}</code>
          </span>
        )}
        {onImported ? (
          <button type="button" className="button" onClick={() => setImporting(true)}>
            Import…
          </button>
        ) : null}
      </div>
      <SaveBar
        saving={saving}
        isNew={isNew}
        text={text}
        dirty={dirty}
        errors={errors}
        settledBySave={settledBySave > 0}
        canSave={pathOk}
        historyHref={id !== undefined ? href.history(id) : undefined}
      />
      {notice && !saving.message && !saving.error ? (
        <p role="status" className="alert alert-info">
          {notice}
        </p>
      ) : null}
      <ErrorAlert error={validationError} title="The text could not be checked." />
      <div className="editor-layout">
        <div className="editor-main">
          <CodeEditor
            ref={editor}
            initialText={opened.text}
            label="Runbook source (Markdown)"
            onText={setText}
            validate={validate}
            targets={targets}
            onSave={() => void saving.run(false)}
          />
        </div>
        <div className="editor-side">
          <EditorProblems problems={validation?.problems} checking={!current} onPick={(p) => editor.current?.focusAt(p.line, p.col)} />
          <StepsPreviewPanel steps={validation?.steps ?? []} intro="As the Run view will show them." />
        </div>
      </div>
      {importing && onImported ? (
        <ImportScriptDialog
          onClose={() => setImporting(false)}
          onImported={(draft) => {
            setImporting(false);
            onImported(draft);
          }}
        />
      ) : null}
    </>
  );
}
