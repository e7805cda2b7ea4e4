// How far two people agree when they label the same scripts by the same written rule: the
// second labelling read as if it were the detector's findings against the first (a label of
// one counts as agreeing when its lines overlap a label of the other in the same file). The
// detector is measured against one person's labels, so where two careful people agree less
// than the 0.85 asked of the detector, that agreement is the ceiling any detector can be
// shown to reach on such labels.
//   npx tsx test/corpus/label-agreement.ts FIRST.json SECOND.json
import { readFileSync } from 'node:fs';
import type { ScriptLabels, LabelledLine } from './destructive-real-score.js';

type Labels = Record<string, ScriptLabels>;
const [firstFile, secondFile] = process.argv.slice(2);
if (firstFile === undefined || secondFile === undefined) {
  console.error('usage: label-agreement.ts FIRST.json SECOND.json');
  process.exit(2);
}
const first = JSON.parse(readFileSync(firstFile, 'utf8')) as Labels;
const second = JSON.parse(readFileSync(secondFile, 'utf8')) as Labels;

const overlaps = (a: LabelledLine, b: LabelledLine): boolean => a.line <= (b.end ?? b.line) && b.line <= (a.end ?? a.line);

let firstCount = 0;
let secondCount = 0;
let firstMatched = 0;
let secondMatched = 0;
const onlyFirst: string[] = [];
const onlySecond: string[] = [];
for (const path of new Set([...Object.keys(first), ...Object.keys(second)])) {
  const a = first[path]?.destructive ?? [];
  const b = second[path]?.destructive ?? [];
  if (first[path] && second[path] && first[path].commit !== second[path].commit) console.error(`${path}: labelled at two commits; compared line by line anyway`);
  if (!first[path] || !second[path]) console.error(`${path}: labelled by only one of the two`);
  firstCount += a.length;
  secondCount += b.length;
  for (const l of a) {
    if (b.some((m) => overlaps(l, m))) firstMatched++;
    else onlyFirst.push(`${path}:${l.line} ${l.why}`);
  }
  for (const l of b) {
    if (a.some((m) => overlaps(l, m))) secondMatched++;
    else onlySecond.push(`${path}:${l.line} ${l.why}`);
  }
}
console.log(`first: ${firstCount} labels; second: ${secondCount} labels`);
console.log(`the second read as findings against the first: precision ${(secondMatched / secondCount).toFixed(3)} (${secondMatched}/${secondCount}), recall ${(firstMatched / firstCount).toFixed(3)} (${firstMatched}/${firstCount})`);
if (process.env.SHOW_DIFFERENCES) {
  for (const line of onlyFirst) console.log(`  only the first: ${line}`);
  for (const line of onlySecond) console.log(`  only the second: ${line}`);
}
