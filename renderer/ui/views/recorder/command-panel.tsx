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
  const box = useRef<HTMLTextAreaElement>(null);

  const busy = (value: boolean) => {
    setRunning(value);
    onRunning(value);
  };

  async function run() {
    if (running || command.trim() === '') return;
    const text = command;
    busy(true);
    setError(null);
    setResult(null);
    setStarted((previous) => ({ n: (previous?.n ?? 0) + 1, command: text }));
    try {
      await beforeRun();
      const before = draft.steps.length;
      const { draft: next } = await client.recordCommand({ draftId: draft.id, command: text });
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
      <ErrorAlert error={error} title="The command was not recorded." />
      <RecordingTerminal draftId={draft.id} started={started} />
    </form>
  );
}
