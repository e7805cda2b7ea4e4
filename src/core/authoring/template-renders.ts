// A file rendered from its own template on every run: `sed -e "s/%PORT%/$PORT/" conf/x.xml.in >
// conf/x.xml` (CyberPanel's LiteSpeed installer), `sed … args/containerd-template.toml >
// args/containerd.toml` (microk8s at each start), `tpl /defaults/nginx.conf > /run/…/nginx.conf`
// (jitsi's containers), `envsubst < app.tmpl > app.yml` (umbrel's app templates). What the
// target held is the previous rendering of the same template, so the labels never count it a
// loss. The template is named for the target (`.in`, `.tpl`, `.tmpl`, `.template`, `.j2`, or
// `-template` before the extension), or the command is a template renderer. A `.tmp`, `.bak` or
// `.orig` source is a copy of the live file being edited or restored, not a template, and stays
// a finding (CyberPanel's `sed … "$conf_file.tmp" > "$conf_file"`).
import { operands } from './command-args.js';
import type { ShellCall, ShellRedirect } from './shell-calls.js';

/** Programs whose whole job is filling a template. */
const RENDERERS = new Set(['tpl', 'envsubst', 'j2', 'jinja2', 'gomplate']);
/** Programs that pass a template through, replacing placeholders. */
const FILTERS = new Set(['sed', 'cat', 'awk']);
const SUFFIX = /\.(in|tpl|tmpl|template|j2)$/;

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Whether `source`'s name marks it as the template of `target`. */
function isTemplateOf(source: string, target: string): boolean {
  const from = base(source);
  const to = base(target);
  if (to === '' || from === to) return false;
  if (SUFFIX.test(from) && from.replace(SUFFIX, '') === to) return true;
  // `containerd-template.toml` for `containerd.toml`.
  const dot = to.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [to.slice(0, dot), to.slice(dot)] : [to, ''];
  return [`${stem}-template${extension}`, `${stem}_template${extension}`, `${stem}.template${extension}`].includes(from);
}

const SCRIPT_OPTIONS = new Set(['-e', '--expression', '-f', '--file']);
const isWrite = (r: ShellRedirect): boolean => r.op === '>' || r.op === '>|';

/**
 * The `>` redirections of a statement that write out a rendering of a template (see above):
 * `redirects` are the statement's own, for a pipeline whose last command's output is redirected.
 */
export function templateRenders(calls: readonly ShellCall[], redirects: readonly ShellRedirect[] = []): Set<ShellRedirect> {
  const out = new Set<ShellRedirect>();
  for (const call of calls) {
    const name = base(call.name);
    // `cat "$TEMPLATE" | envsubst > F`: the renderer reads the template on stdin.
    if (RENDERERS.has(name)) {
      for (const r of [...call.redirects, ...redirects.filter((s) => s.line === call.line)].filter(isWrite)) out.add(r);
      continue;
    }
    const writes = call.redirects.filter(isWrite);
    if (writes.length === 0 || !FILTERS.has(name)) continue;
    // sed's and awk's first operand is their script, unless given with -e/-f.
    const words = operands(call.args, SCRIPT_OPTIONS);
    const files = name === 'cat' || call.args.some((a) => SCRIPT_OPTIONS.has(a)) ? words : words.slice(1);
    const inputs = [...files, ...call.redirects.filter((r) => r.op === '<').map((r) => r.target)];
    for (const r of writes) if (inputs.length > 0 && inputs.every((i) => isTemplateOf(i, r.target))) out.add(r);
  }
  return out;
}
