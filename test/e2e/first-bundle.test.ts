// What the page loads before its first screen (the files renderer/dist/index.html names):
// the Runbooks view and React, not zod's schemas or the contract built from them, nor the
// editor's CodeMirror or a run's xterm. Those are a third of the page's start-up work and the
// first screen does not need them; they load after it. Read from the build's source maps,
// not timed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/handrail-cli.js';

const DIST = join(ROOT, 'renderer/dist');

/** The sources (from the source maps) of every script index.html loads or preloads. */
function firstScreenSources(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.\/([^"]+\.js)"/g)].map((match) => match[1] ?? '');
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((file) => (JSON.parse(readFileSync(join(DIST, `${file}.map`), 'utf8')) as { sources: string[] }).sources);
}

describe('the first screen of the console', () => {
  it('loads the Runbooks view without zod schemas, the contract, CodeMirror or xterm', () => {
    const sources = firstScreenSources();
    expect(sources.some((source) => source.endsWith('ui/views/runbooks/runbooks-view.tsx'))).toBe(true);
    const heavy = sources.filter((source) => /node_modules\/(zod\/v4\/classic|@codemirror|@xterm)\/|src\/contract\/api\.ts$/.test(source));
    expect(heavy).toEqual([]);
  });
});
