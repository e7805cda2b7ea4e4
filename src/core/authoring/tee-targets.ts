// `… | tee F` writes F whole, as `> F` does, so it is judged the same way: a file of its own in
// a drop-in folder (`sources.list.d/docker.list`, `rsyslog.d/10-app.conf`) or output collected in
// a folder the script made sure of (`mkdir -p "$DUMP"`) is the program laying its file down,
// unless the file is a log, a key, someone else's, or one the script read or tested first.
import { isAptRepositoryFile } from './apt-repository-files.js';
import type { RuleInput } from './destructive-rule-types.js';
import { isKeyMaterial, keptBySomeoneElse } from './generated-writes.js';
import { inDropInFolder, isLog } from './regenerated-files.js';
import { isFreshPlace } from './fresh-places.js';

export function laidDownByTee(i: RuleInput, file: string): boolean {
  // `tee >(cat - >&2)`: a process substitution is a pipe to another command, not a file.
  if (/^[<>]\(/.test(file)) return true;
  const resolved = i.knowledge.resolve(file);
  if (isAptRepositoryFile(resolved)) return true;
  if (isLog(resolved) || isKeyMaterial(resolved) || keptBySomeoneElse(resolved) || i.knowledge.readOrTested(file)) return false;
  return inDropInFolder(resolved) || i.knowledge.inEnsuredFolder(file) || isFreshPlace(resolved);
}
