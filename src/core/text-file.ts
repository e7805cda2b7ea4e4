// Checks a file's bytes before any parser sees them, so garbage gets a plain answer
// ("not a text file") instead of a parser's confused one.

/** Runbooks and inventories are prose and commands; anything larger is a mistake. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

export type TextFileResult = { ok: true; text: string } | { ok: false; message: string };

/**
 * `totalBytes` is the file's real size when the caller read only the first
 * MAX_SOURCE_BYTES + 1 bytes of a larger file.
 */
export function decodeSourceFile(bytes: Uint8Array, kind: 'runbook' | 'inventory', totalBytes = bytes.length): TextFileResult {
  if (bytes.length === 0) {
    return {
      ok: false,
      message:
        kind === 'runbook'
          ? 'the file is empty; a runbook starts with front matter (---, id, title, version, ---) and has at least one ## step'
          : 'the file is empty; handrail.yml needs an `environments:` map',
    };
  }
  if (totalBytes > MAX_SOURCE_BYTES) {
    return {
      ok: false,
      message: `the file is ${formatMb(totalBytes)}; Handrail reads ${kind === 'runbook' ? 'runbooks' : 'inventories'} up to ${formatMb(MAX_SOURCE_BYTES)} — is this the right file?`,
    };
  }
  if (bytes.includes(0)) {
    return { ok: false, message: 'this is not a text file (it contains NUL bytes); is it the right file?' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: 'this is not UTF-8 text; save the file as UTF-8' };
  }
  // A byte-order mark is invisible in editors; drop it so line 1 column 1 is the first character.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    return { ok: false, message: `the file has only whitespace; ${kind === 'runbook' ? 'a runbook starts with front matter' : 'handrail.yml needs an environments: map'}` };
  }
  return { ok: true, text };
}

export function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
