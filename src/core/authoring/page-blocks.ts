// What each code block of an imported page becomes: an action (shell Handrail runs), a
// manual step (a command the operator runs in their own terminal), or documentation kept
// as written. `sh`, `bash`, `shell`, `zsh` and `console` blocks are shell; an unlabelled
// block is shell only when it reads as a command a runbook would hold (a prompt, or a
// known tool first); `promql`, `yaml`, `json`, `text` and the rest are documentation.
import { sessionBound } from './interactive-commands.js';
import { replaceLiteralPlaceholders, splitTemplateBraces, variablesSet, type PageInput } from './page-placeholders.js';
import { readRunmeAttributes, type RunmeAttributes } from './runme-attributes.js';
import { parseShellScript, ShellSyntaxError, type ShellCommand } from './shell-commands.js';
import { readTranscript } from './shell-transcript.js';
import { baseName } from './wrapped-commands.js';

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'terminal']);

/** Tools whose name opening an unlabelled block says it holds commands, not output or a config. */
const KNOWN = new Set(
  (
    'kubectl oc helm curl wget systemctl journalctl docker podman crictl virtctl ceph rados rbd radosgw-admin git ls cat grep egrep awk sed ps df du free ' +
    'ip ss netstat ping dig nslookup host openssl ssh scp rsync tar find echo export sudo cd mkdir rm cp mv chmod chown kill pkill tail head jq yq ' +
    'psql mysql redis-cli etcdctl aws gcloud az terraform make python python3 go date uptime hostname lsblk mount umount vgs lvs pvs skopeo nmcli ' +
    'ethtool tcpdump traceroute iptables nft firewall-cmd crontab virsh kubeadm minikube kind istioctl argocd vault velero tkn stern kustomize ' +
    'nc telnet service sysctl dmesg lsof top free iostat vmstat sar pg_dump pg_restore mysqldump sqlite3 mongosh mongo nodetool cqlsh'
  ).split(' '),
);

export type BlockKind = 'action' | 'manual' | 'doc';

export interface PageBlock {
  kind: BlockKind;
  lang: string;
  /** The block as the page wrote it. */
  value: string;
  /** For action and manual blocks: the commands, prompts removed, literal placeholders replaced. */
  code: string;
  /** What the commands printed on the page (kept as an example, never run). */
  output: string;
  /** The top-level statements of `code`, for carrying variables forward. */
  statements: ShellCommand[];
  /** Variables the block sets and expands. */
  sets: string[];
  expands: string[];
  /** Placeholders found in the block (`<pod>`, `[cluster]`, `YOUR_TOKEN`). */
  inputs: PageInput[];
  /** Why it is a manual step rather than an action. */
  manualBecause?: string;
  /** Typed at another shell's root prompt (`sh-5.1#`): inside a session an earlier command opened. */
  rootSession?: boolean;
  runme?: RunmeAttributes;
}

/**
 * `shownAsOutput`: the text just before the block introduces output ("Example output:"),
 * so even a `bash` block there is what a command printed, not a command.
 */
export async function readPageBlock(value: string, lang: string | null | undefined, meta: string | null | undefined, shownAsOutput = false): Promise<PageBlock> {
  const language = (lang ?? '').toLowerCase();
  const runme = readRunmeAttributes(meta);
  const doc: PageBlock = { kind: 'doc', lang: language, value, code: '', output: '', statements: [], sets: [], expands: [], inputs: [], ...(runme ? { runme } : {}) };
  if ((language !== '' && !SHELL_LANGS.has(language)) || shownAsOutput) return doc;

  const transcript = readTranscript(value, language);
  const labelled = language !== '' && language !== 'console';
  if (transcript.code.trim() === '') return doc;
  const literal = replaceLiteralPlaceholders(splitTemplateBraces(transcript.code));
  let statements: ShellCommand[];
  try {
    statements = (await parseShellScript(asVariables(literal.code))).commands.map((c) => ({ ...c, text: asPlaceholders(c.text) }));
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    if (!labelled && !transcript.prompted) return doc;
    return { ...doc, kind: 'manual', code: transcript.code, output: transcript.output, manualBecause: `it could not be read as shell (line ${error.line}: ${error.reason})` };
  }
  const first = statements.flatMap((s) => s.calls.filter((c) => c.depth === 0))[0];
  const firstName = first ? baseName(first.name) : '';
  const plausible = statements.length > 0 && (first === undefined ? statements.every((s) => s.assigns.length > 0) : /^(\.{0,2}\/|~\/|\$)?[a-z_][\w.+/-]*$/.test(first.name));
  if (!plausible) return doc;
  if (!labelled && !transcript.prompted && !KNOWN.has(firstName) && !first?.name.startsWith('./')) return doc;

  const block: PageBlock = {
    ...doc,
    kind: 'action',
    code: literal.code,
    output: transcript.output,
    statements,
    sets: variablesSet(literal.code),
    expands: [...new Set(statements.flatMap((s) => s.expands))],
    inputs: literal.inputs,
    ...(transcript.rootSession ? { rootSession: true } : {}),
  };
  const bound = sessionBound(statements.flatMap((s) => s.calls));
  if (bound) return { ...block, kind: 'manual', manualBecause: `${asPlaceholders(bound)}, and a step runs with no terminal until its command exits` };
  if (runme?.interactive) return { ...block, kind: 'manual', manualBecause: 'the page marks it interactive (Runme `interactive=true`): it waits for typed input, and a step has no terminal' };
  if (runme?.background) return { ...block, kind: 'manual', manualBecause: 'the page runs it in the background (Runme `background=true`): it keeps running, and a step ends when its command does' };
  return block;
}

/**
 * `{{ name }}` is three words to a shell parser (`{{`, `name`, `}}`), which would make
 * `kubectl -n {{ ns }} edit` look like a subcommand `{{`. Read as `$HR_IN_name` — one word,
 * as the engine will make it — the commands parse as they will run.
 */
export function asVariables(code: string): string {
  return code.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (_m, name: string) => `$HR_IN_${name}`);
}

export function asPlaceholders(text: string): string {
  return text.replace(/\$HR_IN_([a-z_][a-z0-9_]*)/g, (_m, name: string) => `{{ ${name} }}`);
}
