// Where the author types the next command: it runs for real on the recording's target, its
// output streams into the terminal, and Handrail answers with the draft and its new step.
import { useRef, useState } from 'react';
import type { RecordingDraft } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { Field } from './field.js';
import { RecordingTerminal, type CommandStart } from './recording-terminal.js';

export function CommandPanel({
  draft,
  beforeRun,
  onRecorded,
  onRunning,
}: {
  draft: RecordingDraft;
  /** Sends pending edits first, so the new step lands in the draft as the author sees it. */
  beforeRun: () => Promise<void>;
  onRecorded: (draft: RecordingDraft) => void;
  onRunning: (running: boolean) => void;
}) {
  const client = useClient();
  const [command, setCommand] = useState('');
  const [running, setRunning] = useState(false);
  const [started, setStarted] = useState<CommandStart | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  /** A command held back because it looks destructive: shown with why, run only on "Run it for real". */
  const [held, setHeld] = useState<{ command: string; reasons: string[] } | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const goAhead = useRef<HTMLButtonElement>(null);

  const busy = (value: boolean) => {
    setRunning(value);
    onRunning(value);
  };

  async function run(runDestructive = false) {
    if (running || command.trim() === '') return;
    const text = command;
    busy(true);
    setError(null);
    setResult(null);
    setHeld(null);
    try {
      await beforeRun();
      const before = draft.steps.length;
      if (runDestructive) setStarted((previous) => ({ n: (previous?.n ?? 0) + 1, command: text }));
      const answer = await client.recordCommand({ draftId: draft.id, command: text, runDestructive });
      if (answer.held) {
        // Nothing ran: say why first, then let the author decide.
        setHeld({ command: text, reasons: answer.held });
        setTimeout(() => goAhead.current?.focus(), 0);
        return;
      }
      if (!runDestructive) setStarted((previous) => ({ n: (previous?.n ?? 0) + 1, command: text }));
      const next = answer.draft;
      onRecorded(next);
      setCommand('');
      const step = next.steps.length > before ? next.steps.at(-1) : undefined;
      setResult(step ? `Step ${next.steps.length} recorded (exit ${step.exitCode ?? 'by a signal'}).` : 'The command was stopped; it was not recorded as a step.');
    } catch (e) {
      setError(errorText(e));
    } finally {
      busy(false);
      box.current?.focus();
    }
  }

  async function stop() {
    try {
      await client.stopRecordingCommand({ draftId: draft.id });
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <form
      className="panel recorder-command"
      aria-label="Run a command"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <Field
        label="Command"
        help={
          <>
            Runs for real on <code>{draft.target}</code> in {draft.environment}, in a fresh shell with no input. Enter runs it; Shift+Enter adds a line.
          </>
        }
      >
        {({ id, describedBy }) => (
          <textarea
            id={id}
            aria-describedby={describedBy}
            ref={box}
            rows={2}
            value={command}
            spellCheck={false}
            className="command-input"
            onChange={(e) => setCommand(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void run();
              }
            }}
            placeholder="systemctl status app"
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="button primary" disabled={running || command.trim() === ''}>
          Run command
        </button>
        {running ? (
          <button type="button" className="button danger-outline" onClick={() => void stop()}>
            Stop command
          </button>
        ) : null}
        <span className="hint" role="status">
          {running ? 'Running…' : result}
        </span>
      </div>
      {held ? (
        <div className="alert alert-warn" role="alert">
          <p>
            <strong>This command looks destructive and has not run:</strong> {held.reasons.join('; ')}.
          </p>
          <pre className="command">{held.command}</pre>
          <p>
            It would run for real on <code>{draft.target}</code> in {draft.environment}. If you run it, its step asks for confirmation before it runs
            in the runbook.
          </p>
          <div className="actions">
            <button type="button" ref={goAhead} className="button danger" disabled={running} onClick={() => void run(true)}>
              Run it for real
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setHeld(null);
                box.current?.focus();
              }}
            >
              Don&apos;t run it
            </button>
          </div>
        </div>
      ) : null}
      <ErrorAlert error={error} title="The command was not recorded." />
      <RecordingTerminal draftId={draft.id} started={started} />
    </form>
  );
}
