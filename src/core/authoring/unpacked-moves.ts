// `mkdir temp/; wget … -O temp/d3.zip; unzip temp/d3.zip -d temp/; mv -f temp/d3.js webroot/js/d3.js`:
// moving a piece of what the run downloaded, cloned or unpacked into a folder it made is putting
// a new version of a file in place (MISP's vendored JavaScript, mail-in-a-box's clone helper,
// YunoHost's restore of a folder it unpacked), not a rewrite of what the destination held. The
// rewrites the labels count as losses (`jq … F > "$tmp"; mv "$tmp" F`) read the destination
// first and move a single scratch file, so a destination the script searched or read before
// still counts.
import type { RuleInput } from './destructive-rule-types.js';

/** Whether `source` lies below (not at) a folder the script made, and `dest` is not a file the script read first. */
export function movesOwnUnpackedFile(i: RuleInput, source: string, dest: string): boolean {
  if (i.knowledge.readOrTested(dest)) return false;
  const parts = i.knowledge.resolve(source).replace(/\/{2,}/g, '/').split('/');
  for (let k = parts.length - 1; k >= 1; k--) {
    const folder = parts.slice(0, k).join('/');
    if (folder !== '' && i.knowledge.isFolderMadeByScript(folder)) return true;
  }
  return false;
}
