// Writing a long result (`show` of a run that printed gigabytes) to stdout at the pace the
// reader takes it: when the stream's buffer is full, wait for 'drain' before the next piece,
// so memory holds one piece, never the whole result.
import { once } from 'node:events';

// Below V8's large-object size, so the gathered text is freed young (see show-output.ts).
const PIECE_BYTES = 64 * 1024;

export interface PacedWriter {
  write(text: string): Promise<void>;
  /** Writes what is still gathered. */
  end(): Promise<void>;
}

export function pacedWriter(stream: NodeJS.WritableStream = process.stdout): PacedWriter {
  let gathered: string[] = [];
  let size = 0;
  const send = async () => {
    if (size === 0) return;
    const text = gathered.join('');
    gathered = [];
    size = 0;
    if (!stream.write(text)) await drained(stream);
  };
  return {
    async write(text) {
      gathered.push(text);
      size += text.length;
      if (size >= PIECE_BYTES) await send();
    },
    end: send,
  };
}

/** 'drain', or the end of the stream (a reader that went away never drains). */
async function drained(stream: NodeJS.WritableStream): Promise<void> {
  const controller = new AbortController();
  try {
    await Promise.race([once(stream, 'drain', { signal: controller.signal }), once(stream, 'close', { signal: controller.signal })]);
  } finally {
    controller.abort();
  }
}
