#!/usr/bin/env node
// Runs Electronegativity (Doyensec's Electron security checks) on the desktop app's code and
// fails when a finding above LOW severity is not accepted in .electronegativity.json with a
// written reason. Offline: Electronegativity fetches translations and Electron's release
// list from the network; this script gives it its bundled English text instead and turns
// the release check off (with its reason in the config).
//
//   node scripts/electronegativity.mjs [--input DIR] [--config FILE]
//
// Exit 0: nothing above LOW, or all of it accepted. 1: findings to fix (listed), a file
// that could not be parsed, or an accepted entry that no longer matches anything. 2: usage.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEVERITY_LOW = 1;

const { values } = parseArgs({
  options: { input: { type: 'string', default: 'src/electron' }, config: { type: 'string', default: join(ROOT, '.electronegativity.json') } },
  strict: true,
});
const input = resolve(values.input);
const config = readConfig(values.config);
const inputLabel = relative(ROOT, input) || '.';

const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity/dist/runner.js');
useBundledTranslations(runnerPath);
const run = require(runnerPath);

const result = await run(
  {
    input,
    customScan: [],
    excludeFromScan: config.excludedChecks.map((entry) => entry.check.toLowerCase()),
    isRelative: false,
    electronVersionOverride: require('electron/package.json').version,
    parserPlugins: [],
  },
  false,
);

const problems = [];
for (const error of result.errors.filter((e) => !e.tolerable)) {
  problems.push(`${relative(ROOT, error.file)}: could not be parsed, so it was not checked: ${error.message}`);
}

const used = new Set();
let accepted = 0;
for (const issue of result.issues) {
  if (issue.severity.value <= SEVERITY_LOW) continue;
  // A global check (no file) is about the whole scanned folder.
  const file = issue.file === 'N/A' ? inputLabel : relative(ROOT, issue.file);
  const entry = config.accepted.find((candidate) => candidate.id === issue.id && candidate.file === file);
  if (entry) {
    used.add(entry);
    accepted++;
    continue;
  }
  const where = issue.file === 'N/A' ? file : `${file}:${issue.location.line}:${issue.location.column + 1}`;
  problems.push(`${where}: ${issue.id} (${issue.severity.name}, ${issue.confidence.name}): ${issue.description} ${issue.shortenedURL ?? ''}`.trim());
}
for (const entry of config.accepted) {
  const inScope = entry.file === inputLabel || entry.file.startsWith(`${inputLabel}/`);
  if (inScope && !used.has(entry)) problems.push(`${values.config}: accepted ${entry.id} in ${entry.file} no longer matches a finding; remove the entry so it cannot hide a new one.`);
}

if (problems.length > 0) {
  process.stderr.write(`Electronegativity: ${problems.length} problem(s) in ${inputLabel} (findings above LOW must be fixed, or accepted in .electronegativity.json with a reason):\n`);
  for (const problem of problems) process.stderr.write(`  ${problem}\n`);
  process.exit(1);
}
process.stdout.write(`Electronegativity: ${inputLabel} passes (${result.atomicChecks + result.globalChecks} checks; ${accepted} accepted finding(s) with reasons in .electronegativity.json).\n`);

function readConfig(path) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`electronegativity: cannot read ${path}: ${error.message}. Nothing was checked.\n`);
    process.exit(2);
  }
  const excludedChecks = parsed.excludedChecks ?? [];
  const acceptedEntries = parsed.accepted ?? [];
  for (const entry of [...excludedChecks, ...acceptedEntries]) {
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20) {
      process.stderr.write(`electronegativity: ${path}: every entry needs a written reason (${JSON.stringify(entry)}). Nothing was checked.\n`);
      process.exit(2);
    }
  }
  return { excludedChecks, accepted: acceptedEntries };
}

/**
 * Electronegativity's locales/i18n.js asks a server for fresh translations before every scan
 * (and waits up to a second for the answer). Putting a module with the same export in
 * Node's require cache first makes it use the English text it ships with, offline.
 */
function useBundledTranslations(runner) {
  const localesDir = join(dirname(runner), 'locales');
  const i18nModulePath = join(localesDir, 'i18n.js');
  const i18n = createRequire(runner)('i18n');
  const offline = new Module(i18nModulePath);
  offline.filename = i18nModulePath;
  offline.loaded = true;
  offline.exports = async function bundledTranslations() {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: localesDir, updateFiles: false, objectNotation: true, retryInDefaultLocale: true, register: globalThis });
    i18n.setLocale('en-US');
  };
  Module._cache[i18nModulePath] = offline;
}
