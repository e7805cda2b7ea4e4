// The live output of the commands of one recording, in the same terminal the Run view uses:
// each command is echoed as `$ command`, then its output as `recording-output` events bring it.
import { useEffect } from 'react';
import { useConsoleEvents } from '../../api/api-context.js';
import { coloured, useXterm } from '../../components/use-xterm.js';

export interface CommandStart {
  /** Moves with every command, so the same command twice is echoed twice. */
  n: number;
  command: string;
}

const ECHO = '\x1b[36m';
const PLAIN = '\x1b[39m';

export function RecordingTerminal({ draftId, started }: { draftId: string; started: CommandStart | null }) {
  const { box, terminal } = useXterm(10);

  // Once per command: `n` moves with each one, so a re-render with the same command echoes nothing.
  const n = started?.n;
  const command = started?.command;
  useEffect(() => {
    if (command !== undefined) terminal.current?.write(`${ECHO}$ ${command.replace(/\n/g, '\r\n  ')}${PLAIN}\r\n`);
  }, [n, command, terminal]);

  useConsoleEvents((event) => {
    if (event.type === 'recording-output' && event.draftId === draftId) terminal.current?.write(coloured(event.stream, event.text));
  });

  return (
    <div className="output">
      <div className="output-terminal" role="region" aria-label="Live output" ref={box} />
    </div>
  );
}
