// Step output is stored beside the chain (compressed, searchable), not in event bodies. Each
// stored chunk gets a `step.output` event whose body carries the chunk's SHA-256, so the
// chain vouches for every byte of output: verification recomputes the hash of each chunk.
import { createHash } from 'node:crypto';

export const OUTPUT_EVENT = 'step.output';

export interface OutputEventBody {
  attempt: number;
  /** The chunk's number within the attempt (0, 1, 2…). */
  chunk: number;
  stream: 'stdout' | 'stderr';
  bytes: number;
  sha256: string;
}

/** The body of a `step.output` event, or undefined when it is not one (an edited body is caught by its own hash). */
export function outputEventBody(bodyJson: string | null): OutputEventBody | undefined {
  if (bodyJson === null) return undefined;
  try {
    const body = JSON.parse(bodyJson) as Partial<OutputEventBody> | null;
    if (body && typeof body.attempt === 'number' && typeof body.chunk === 'number' && typeof body.sha256 === 'string') {
      return body as OutputEventBody;
    }
  } catch {
    // Not JSON: the body's own hash check reports it.
  }
  return undefined;
}

/** Why the stored chunk does not match what the chain recorded, or undefined when it does. */
export function outputMismatch(seq: number, stepIdx: number | null, body: OutputEventBody, data: Uint8Array | undefined): string | undefined {
  const where = `chunk ${body.chunk} of step ${(stepIdx ?? 0) + 1}'s output (attempt ${body.attempt}), recorded by event ${seq}`;
  if (data === undefined) return `${where} is missing from the stored output: it was deleted`;
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== body.sha256 || data.length !== body.bytes) return `${where} was edited: its SHA-256 no longer matches the one in the chain`;
  return undefined;
}
