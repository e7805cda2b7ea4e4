// Raising a runbook's `version` when the editor saves it: only the characters of the value
// change, so the author's comments, key order, quoting and line endings stay as written.
import semver from 'semver';
import { topLevelScalarSpan } from '../yaml.js';
import { frontMatterSpan } from './front-matter-span.js';

export type VersionBump = 'patch' | 'minor' | 'major';

export type BumpResult = { ok: true; text: string; from: string; to: string } | { ok: false; message: string };

export function bumpVersion(text: string, bump: VersionBump): BumpResult {
  const found = frontMatterSpan(text);
  if (!found.ok && found.missing === 'opening') return { ok: false, message: 'the runbook has no front matter, so it has no version to raise; start the file with ---, id, title, version, ---' };
  if (!found.ok) return { ok: false, message: 'the front matter is never closed, so its version cannot be raised; add a line with --- after its last key' };
  const { start: bodyStart, yaml } = found;
  const span = topLevelScalarSpan(yaml, 'version');
  if (!span) return { ok: false, message: 'the front matter has no readable version: key (or its YAML does not parse); write version: 1.0.0 and save again' };
  const written = yaml.slice(span.start, span.end).trim();
  const from = span.quote === '' ? written : written.slice(1, -1);
  const to = semver.valid(from) ? semver.inc(from, bump) : null;
  if (!to) return { ok: false, message: `version '${from}' is not a semantic version (like 2.1.0), so it cannot be raised; correct it and save again` };
  const start = bodyStart + span.start;
  const end = start + written.length;
  return { ok: true, text: `${text.slice(0, start)}${span.quote}${to}${span.quote}${text.slice(end)}`, from, to };
}
