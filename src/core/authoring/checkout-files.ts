// A program split into files often works on its own shipped copies in the folder it runs from:
// `perl -pi -e 's#PH_PORT#…#' ${SAMPLE_DIR}/nginx/site.conf` where SAMPLE_DIR is
// "${ROOTDIR}/samples" and ROOTDIR is the checkout (`$(pwd)` or an argument). Such an edit fills
// in the program's own template before it is copied out; it changes nothing a package or a
// person keeps. It is told by the path alone: a folder variable the script cannot spell out,
// followed by a path (with at least one folder) that the script's own repository holds.
import type { ScriptFiles } from './script-files.js';

const CHECKOUT_PREFIX = /^(?:\$\{?[A-Za-z_]\w*\}?|\$\(pwd\)|`pwd`|\.)\/(.+)$/;

/** Whether `spelt` (a path with the program's variables spelt out) names a file of the repository's own checkout. */
export function inOwnCheckout(spelt: string, files: ScriptFiles): boolean {
  const rest = CHECKOUT_PREFIX.exec(spelt)?.[1];
  if (rest === undefined || /[$`]/.test(rest) || !rest.includes('/') || rest.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(rest)) return false;
  if (!/[*?[]/.test(rest)) return files.paths.includes(rest);
  const glob = new RegExp(`^${rest.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return files.paths.some((p) => glob.test(p));
}
