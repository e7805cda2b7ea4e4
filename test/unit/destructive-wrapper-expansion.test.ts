// A helper that passes its arguments on is judged again at each call with those arguments
// (destructive-commands.ts). Helpers that pass them on to helpers that do the same, and a
// dispatcher that calls itself with other arguments (nvm.sh's `nvm use …` inside `nvm`), made
// that work grow with the number of helpers to the power of their depth: this script ran past
// the test's timeout, nvm.sh (4,960 lines) out of memory after two minutes. Each call is now expanded once per command, and a helper
// already being expanded is not expanded again inside itself. The findings are the same.
import { describe, expect, it } from 'vitest';
import { destructiveFindings } from '../../src/core/authoring/destructive-commands.js';

const LAYERS = [1, 2, 3, 4, 5, 6].map((n) => `w${n}() { w${n + 1} "$@"; w${n + 1} -a "$@"; w${n + 1} -b "$@"; w${n + 1} -c "$@"; w${n + 1} -d "$@"; }`);
const SCRIPT = [
  ...LAYERS,
  'w7() { rm "$@"; }',
  'app() { case "$1" in use) shift; app install "$@"; app ls "$@"; app use "$@" ;; *) app use "$@"; app "$@" x; rm -f "$@" ;; esac; }',
  'w1 -rf /srv/data',
  'app use /srv/other',
].join('\n');

describe('helpers that pass their arguments on to helpers, and a helper that calls itself', () => {
  it('are judged, with what their bodies delete found where it is written', async () => {
    const findings = await destructiveFindings(SCRIPT);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['rm-files', 7],
      ['rm-files', 8],
    ]);
  });

  it('still finds what a wrapper adds with the arguments of one call', async () => {
    const findings = await destructiveFindings('edit() { sed -i "$@"; }\nwrap() { edit "$@"; }\nwrap s/a/b/ /etc/app/app.conf');
    expect(findings.map((f) => f.rule)).toContain('in-place-edit');
  });
});
