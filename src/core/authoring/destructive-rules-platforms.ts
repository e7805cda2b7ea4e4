// Destructive-command rules for platforms: containers and compose, Kubernetes and
// OpenShift, Terraform, any other command-line tool run with a delete- or stop-type
// subcommand, HTTP DELETE, and the commands nobody can read before they run. One entry per
// rule; destructive-rules.ts joins the tables.
import { namedAsSuppliedCode } from './supplied-code.js';
import { hasFlag, operands, optionValue, options } from './command-args.js';
import { never, type DestructiveRule, type RuleInput } from './destructive-rule-types.js';
import { sourcedFile } from './script-files.js';

const KUBE_OPTIONS = options('-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--as', '--as-group', '--token', '--request-timeout', '-v', '-l', '--selector', '-o', '--output', '-f', '--filename', '-c', '--container', '--field-selector', '--timeout', '--grace-period', '--replicas');
const DOCKER_OPTIONS = options('-H', '--host', '-c', '--context', '--config', '-l', '--log-level');
const COMPOSE_OPTIONS = options('-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--progress');

export function containerVerb(args: string[]): string[] {
  return operands(args, DOCKER_OPTIONS);
}

/** `docker compose …`, `docker-compose …`, `podman-compose …`: the compose verb and its own arguments. */
export function composeVerb(input: RuleInput): { verb: string; args: string[] } | undefined {
  // A `$VAR` before the verb holds options (`$files` = `-f a.yml -f b.yml`), as the script splits it unquoted.
  const verbOf = (args: string[]): string => operands(args, COMPOSE_OPTIONS).find((w) => !w.startsWith('$')) ?? '';
  if (input.name === 'docker-compose' || input.name === 'podman-compose') return { verb: verbOf(input.args), args: input.args };
  if (input.name !== 'docker' && input.name !== 'podman') return undefined;
  const at = input.args.indexOf('compose');
  if (at === -1 || containerVerb(input.args)[0] !== 'compose') return undefined;
  const rest = input.args.slice(at + 1);
  return { verb: verbOf(rest), args: rest };
}

function kubeWords(args: string[]): string[] {
  return operands(args, KUBE_OPTIONS);
}

function replicasZero(args: string[]): boolean {
  return optionValue(args, null, '--replicas') === '0';
}

/**
 * `tool [group…] VERB …`: the verb among the first three words that are not options, each
 * before it a plain lower-case word. A word right after a `--long` option is taken for its
 * value (`aws --endpoint-url URL s3 rm …`).
 */
/** Proxmox and LXC tools: their own verbs (`pct destroy`, `lxc stop`) and a command run inside a guest (`pct exec`). */
const GUEST_TOOLS = ['pct', 'lxc'];

function subcommandLike(i: RuleInput, verb: RegExp): string | false {
  // `pyenv-help uninstall`: a program named for help tells about a subcommand, it does not run it.
  if (/(^|[-_])help$/.test(i.name)) return false;
  const words: string[] = [];
  for (let n = 0; n < i.args.length && words.length < 3; n++) {
    const arg = i.args[n] ?? '';
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (/^--[\w-]+$/.test(arg) && !verb.test(i.args[n + 1] ?? '')) n++;
      continue;
    }
    // A variable before the subcommand is most often an option kept in it (`borg "$LOG_FLAG" prune`).
    if (arg.startsWith('$') && words.length === 0) continue;
    words.push(arg);
    // `occ app:remove`, `occ config:system:delete`: the verb is the last part of a noun:verb word.
    if (verb.test(arg) || (/^[a-z][\w-]*(:[a-z][\w-]*)+$/.test(arg) && verb.test(arg.split(':').pop() ?? ''))) return `${i.name} ${words.join(' ')}`;
    if (!/^[a-z][\w-]*$/.test(arg)) return false;
  }
  return false;
}

// A restart stops what runs for a while, as the restart rule says of service managers.
const STOP_VERB = /^(stop|kill|shutdown|poweroff|halt|disable|mask|restart)$/;
/** `ceph osd pool delete`, `aws s3 rm`, `aws ec2 terminate-instances`, `npm uninstall`. Also noun-verb subcommands whose last word is the verb (`virsh net-destroy`, `virsh pool-delete`). */
const DELETE_VERB = /^(delete|del|rm|remove|purge|destroy|drop|wipe|erase|uninstall|undefine|prune|flush|terminate|deregister|evict)$|^(delete|remove|terminate|deregister|purge|destroy|drop)[-_]|^[a-z]+-(delete|destroy|undefine|remove|purge|wipe)$/;

export const PLATFORM_RULES: readonly DestructiveRule[] = [
  {
    id: 'container-stop',
    category: 'services',
    commands: ['docker', 'podman'],
    matches: 'docker/podman stop, kill',
    when: (i) => /^(stop|kill)$/.test(containerVerb(i.args)[0] ?? '') && `${i.name} ${containerVerb(i.args)[0]}`,
    reason: 'stops containers ({})',
    examples: { flags: ['docker stop shop-worker', 'podman kill web'], quiet: ['docker start shop-worker', 'docker ps'] },
  },
  {
    id: 'compose-down',
    category: 'services',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose'],
    matches: 'compose down / stop / kill / rm (without --volumes; see compose-down-volumes)',
    when: (i) => {
      const c = composeVerb(i);
      return c !== undefined && /^(down|stop|kill|rm)$/.test(c.verb) && !(c.verb === 'down' && hasFlag(c.args, 'v', '--volumes')) && `compose ${c.verb}`;
    },
    reason: 'stops and removes the stack’s containers ({})',
    examples: { flags: ['docker compose stop app', 'docker-compose down', 'docker compose -f deploy/compose.yml down'], quiet: ['docker compose up -d', 'docker-compose ps', 'docker compose start app', 'docker compose -f down.yml up'] },
  },
  // containers
  {
    id: 'compose-down-volumes',
    category: 'containers',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose'],
    matches: 'compose down --volumes / -v',
    when: (i) => {
      const c = composeVerb(i);
      return c?.verb === 'down' && hasFlag(c.args, 'v', '--volumes');
    },
    reason: 'removes the stack’s containers and its volumes, with their data (compose down --volumes)',
    examples: { flags: ['docker compose down --volumes --remove-orphans', 'docker-compose down -v', 'dc="docker compose -f c.yml"\n$dc down --volumes'], quiet: ['docker compose down --remove-orphans'] },
  },
  {
    id: 'container-delete',
    category: 'containers',
    commands: ['docker', 'podman'],
    matches: 'docker/podman rm, rmi, volume rm, any prune',
    when: (i) => {
      const words = containerVerb(i.args);
      const [verb = '', sub = ''] = words;
      const hit = verb === 'rm' || verb === 'rmi' || (/^(volume|image|container|network)$/.test(verb) && /^(rm|remove|prune)$/.test(sub)) || (verb === 'network' && sub === 'disconnect') || (verb !== 'compose' && words.slice(0, 2).includes('prune'));
      // Removing only what this run made (`docker rm "$tmp"` after `tmp=$(docker create …)`, its own `--name`) loses nothing.
      const targets = words.slice(verb === 'rm' || verb === 'rmi' ? 1 : 2);
      if (hit && verb !== 'rmi' && sub !== 'prune' && targets.length > 0 && targets.every((t) => i.knowledge.ownsContainer(t))) return false;
      return hit && `${i.name} ${words.slice(0, verb === 'rm' || verb === 'rmi' ? 1 : 2).join(' ')}${verb === 'rm' && hasFlag(i.args, 'v', '--volumes') ? ' -v' : ''}`;
    },
    reason: 'deletes containers, images or volumes ({})',
    examples: { flags: ['docker volume rm shop_pgdata', 'docker rm -v shop-worker-old', 'docker system prune -af', 'docker image prune -f', 'docker builder prune -f', 'docker ps -aq | xargs -r docker rm'], quiet: ['docker volume ls', 'docker run --rm alpine true', 'docker image ls', 'tmp=$(docker create app:1)\ndocker cp "$tmp:/etc/ssl/certs/." certs/\ndocker rm "$tmp"', 'docker run -d --name migrate app:1\ndocker rm -f migrate'] },
  },
  // kubernetes and openshift
  {
    id: 'kube-delete',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl/oc delete',
    when: (i) => kubeWords(i.args)[0] === 'delete' && `${i.name} delete`,
    reason: 'deletes Kubernetes resources ({})',
    examples: { flags: ['kubectl delete pod worker-1', 'kubectl -n payments delete job -l app=reindex', 'oc delete pod -n openshift-monitoring prometheus-k8s-0'], quiet: ['kubectl get pods -n delete', 'oc get pods'] },
  },
  {
    id: 'kube-drain',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl drain, oc adm drain',
    when: (i) => {
      const words = kubeWords(i.args);
      return (words[0] === 'drain' || (i.name === 'oc' && words[0] === 'adm' && words[1] === 'drain')) && `${i.name} ${i.name === 'oc' ? 'adm ' : ''}drain`;
    },
    reason: 'evicts every pod from a node ({})',
    examples: { flags: ['kubectl drain node-3 --ignore-daemonsets', 'oc adm drain worker-3 --force'], quiet: ['kubectl cordon node-3', 'oc adm top nodes'] },
  },
  {
    id: 'kube-scale-zero',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl/oc scale --replicas=0 (or --replicas 0)',
    when: (i) => kubeWords(i.args)[0] === 'scale' && replicasZero(i.args),
    reason: 'scales a workload to zero, taking it out of service (scale --replicas=0)',
    examples: { flags: ['kubectl -n payments scale deploy/worker --replicas=0', 'oc scale dc/api --replicas 0'], quiet: ['kubectl scale deploy/api --replicas=6'] },
  },
  {
    id: 'kube-patch',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl/oc patch',
    when: (i) => kubeWords(i.args)[0] === 'patch' && `${i.name} patch`,
    reason: 'changes a live resource in place; the old spec is not kept ({})',
    examples: { flags: [`oc patch clusterversion version --type merge -p '{"spec":{"overrides":[]}}'`, 'kubectl patch deploy api -p "{}"'], quiet: ['kubectl get deploy api -o yaml'] },
  },
  {
    id: 'helm-uninstall',
    category: 'kubernetes',
    commands: ['helm'],
    matches: 'helm uninstall / delete',
    when: (i) => /^(uninstall|delete|del|un)$/.test(operands(i.args, options('-n', '--namespace', '--kube-context'))[0] ?? ''),
    reason: 'removes a Helm release and its resources (helm uninstall)',
    examples: { flags: ['helm uninstall preview-42 -n previews'], quiet: ['helm list -n previews'] },
  },
  // infrastructure
  {
    id: 'terraform-destroy',
    category: 'infrastructure',
    commands: ['terraform', 'tofu'],
    matches: 'terraform destroy, apply -destroy, apply of a plan made with plan -destroy -out=FILE earlier in the script',
    when: (i) => {
      const words = operands(i.args);
      if (words[0] === 'destroy') return true;
      if (words[0] !== 'apply') return false;
      return i.args.includes('-destroy') || words.slice(1).some((w) => i.knowledge.isDestroyPlan(w));
    },
    reason: 'destroys infrastructure (terraform destroy)',
    examples: { flags: ['terraform destroy -auto-approve', 'terraform apply -destroy', 'terraform plan -destroy -out=destroy.plan\nterraform apply -auto-approve destroy.plan'], quiet: ['terraform plan -destroy -out=destroy.plan', 'terraform apply -auto-approve app.plan'] },
  },
  {
    id: 'terraform-state-delete',
    category: 'infrastructure',
    commands: ['terraform', 'tofu'],
    matches: 'terraform workspace delete, terraform state rm',
    when: (i) => {
      const [a, b] = operands(i.args);
      return (a === 'workspace' && b === 'delete') || (a === 'state' && b === 'rm');
    },
    reason: 'deletes Terraform state, so Terraform forgets what it manages',
    examples: { flags: ['terraform workspace delete pr-42', 'terraform state rm aws_instance.old'], quiet: ['terraform workspace select pr-42', 'terraform state list'] },
  },
  // any other command-line tool
  {
    id: 'cli-delete-verb',
    category: 'infrastructure',
    // Every tool with no rule of its own gets this rule; these also run other commands
    // (`pct exec 101 -- …`), which would otherwise keep them from it, so they are named.
    commands: GUEST_TOOLS,
    matches: 'a tool with no rule of its own, run with a delete-type subcommand (`aws s3 rm`, `gcloud … delete`, `vault kv delete`, `odf … delete`, `virsh destroy`, `npm uninstall`)',
    when: (i) => subcommandLike(i, DELETE_VERB),
    reason: 'runs a subcommand that removes something ({})',
    examples: { flags: ['odf cephfs-snap delete sub-1 snap-1', 'aws s3 rm s3://shop-backups/2024/ --recursive', 'gcloud sql instances delete shop-staging', 'vault kv delete secret/shop', 'aws ec2 terminate-instances --instance-ids i-0abc', 'virsh destroy vm-7', 'virsh undefine vm-7 --nvram', 'rabbitmqctl delete_user guest', 'pct destroy 105 --purge', 'qm destroy 200', 'lxc delete web --force', 'aws --endpoint-url https://s3.local --no-verify-ssl s3 rm s3://b/x --recursive'], quiet: ['odf cephfs-snap ls', 'aws s3 ls s3://shop-backups/', 'echo delete', 'grep -c remove log.txt', 'ls remove', 'tool ./data/delete'] },
  },
  {
    id: 'cli-stop-verb',
    category: 'services',
    commands: GUEST_TOOLS,
    matches: 'a tool with no rule of its own, run with a stop-type subcommand (`virtctl stop`, `pm2 kill`, `swift-init all restart`)',
    // `restart --reload` asks for a reload where the program can (snap): nothing stops.
    when: (i) => {
      const hit = subcommandLike(i, STOP_VERB);
      return hit && !(hit.endsWith('restart') && i.args.includes('--reload')) && hit;
    },
    reason: 'runs a subcommand that stops something ({})',
    examples: { flags: ['virtctl stop vm-7 -n prod', 'pm2 stop api', 'swift-init all restart', 'pm2 kill', 'pct stop 101', 'lxc stop web'], quiet: ['virtctl start vm-7', 'pm2 status', 'echo stop'] },
  },
  {
    id: 'http-delete',
    category: 'infrastructure',
    commands: ['curl', 'http', 'https', 'xh'],
    matches: 'curl -X DELETE / --request DELETE, httpie DELETE',
    when: (i) => (i.name === 'curl' ? /^delete$/i.test(optionValue(i.args, '-X', '--request') ?? '') : /^delete$/i.test(operands(i.args)[0] ?? '')),
    reason: 'sends an HTTP DELETE',
    examples: { flags: ['curl -fsS -X DELETE https://api.example.com/v1/jobs/42', 'curl --request=DELETE http://localhost:9200/logs-2023', 'http DELETE :8080/cache'], quiet: ['curl -fsS https://api.example.com/v1/jobs/42', 'curl -X POST -d delete=1 https://x'] },
  },
  // commands that cannot be read before they run
  {
    id: 'command-from-variable',
    category: 'unknown',
    commands: [],
    matches: 'a command named by a variable the script does not set to a fixed value (`$TOOL …`, `exec "$@"`; a keyed array element set to fixed text is read as that text; not a family of functions named around a variable whose fixed words, two or more before it, say nothing of removing, hooks or commands: `install_database_$TYPE`)',
    when: never,
    reason: 'runs a command named by {}, which the script does not set to a fixed value: cannot tell what runs',
    examples: {
      flags: ['"$TOOL" "$ACTION"', '$EDITOR /etc/app.conf', 'exec "$@"', 'sudo $CMD', 'pick() {\n  echo "$1"\n}\nT=$(pick)\n$T --all', 'cmd="$cmd --force"\n$cmd', 'for t in $TESTS; do\n  $t\ndone', 'fn-access-log-path() { echo /var/log/app/access.log; }\nfn-${TYPE}-rotate app', 'on_signal() {\n  func="$1"\n  trap "$func" TERM\n}\non_signal "$HANDLER"', 'run_command="$1"\nrun_run() {\n  bash -c "$run_command"\n}'],
      quiet: ['nginx_bin() {\n  local B\n  B=$(command -v nginx 2>/dev/null)\n  if [[ -z "$B" ]]; then\n    B="/usr/sbin/nginx"\n  fi\n  echo "$B"\n}\nlocation() {\n  nginx_bin\n}\ncheck() {\n  local N\n  N=$(location)\n  sudo "$N" -t\n}', '"$DEPLOY_ROOT/current/bin/restart" --graceful', 'CMD="systemctl status shop"\n$CMD', 'run() { echo "+ $*"; "$@"; }\nrun echo hi', 'SUDO=sudo\n$SUDO apt-get update', 'create_volume() {\n  cmd="docker volume create"\n  cmd="$cmd --name=$1"\n  $cmd\n}', 'for test_file in tests/*-test.sh; do\n  $test_file\ndone', 'fn-access-log-path() { echo /var/log/app/access.log; }\nfn-error-log-path() { echo /var/log/app/error.log; }\nfn-${TYPE}-log-path app', '_XTRACE_LIB=$(set +o | grep xtrace)\nset +o xtrace\n$_XTRACE_LIB', 'OPTS=$(shopt -p extglob)\nshopt -s extglob\n$OPTS', 'cleanup() { echo bye; }\ntrap_with_arg() {\n  func="$1"\n  shift\n  for sig; do\n    trap "$func $sig" "$sig"\n  done\n}\ntrap_with_arg cleanup INT TERM'] },
  },
  {
    id: 'optional-script',
    category: 'unknown',
    commands: ['bash', 'sh', 'dash', 'zsh', 'ksh', 'source', '.'],
    // A file the script has to test for before running it is not part of the script: it is a
    // hook someone may drop in, and what it does cannot be read here. A file run without such a
    // test (`bash ./migrate.sh`) is the script's own code and is not flagged. `source FILE` of a
    // tested file that is not named as a script (`mailcow.conf`, `.env.custom`, /etc/os-release,
    // a version cache) reads settings into the shell: the installation's configuration, which an
    // operator keeps, not a program it runs.
    matches: 'runs a script file (bash FILE, ./FILE, source FILE.sh) that the script first tests is there ([ -f FILE ]) and that is named as someone else\'s code (a hook, custom, override, pre- or post- in its path, or a name from a variable); not source of a settings file (.conf, .env, no .sh)',
    when: (i) => {
      if (i.args.some((a) => a === '-c' || /^-[a-z]*c[a-z]*$/.test(a))) return false;
      const file = operands(i.args)[0];
      if (file === undefined || !i.knowledge.isOptionalFile(file) || !namedAsSuppliedCode(i.knowledge.resolve(file))) return false;
      if ((i.name === 'source' || i.name === '.') && !/\.(sh|bash)$/.test(i.knowledge.resolve(file))) return false;
      // A file the script's own repository (or imported folder) holds is its code, read like any sourced helper, tested for or not.
      const files = i.knowledge.files;
      return !(files && sourcedFile(files, i.knowledge.self, i.knowledge.resolve(file)) !== undefined) && file;
    },
    reason: 'runs {}, a file the script only checks is there: cannot tell what runs',
    examples: {
      flags: ['if [ -f "${SCRIPT_DIR}/pre_update_hook.sh" ]; then\n  bash "${SCRIPT_DIR}/pre_update_hook.sh"\nfi', '[ -f hooks/pre.sh ] && source hooks/pre.sh', 'test -x ./hooks/post-deploy && ./hooks/post-deploy'],
      quiet: ['[ -f .env.local ] && source .env.local', '[ -r /etc/os-release ] && . /etc/os-release', 'f=/etc/app/versions\n[ -f "$f" ] && . "$f"', 'source "$PATH_TO_SCRIPTS/accounts.sh"', 'bash ./migrate.sh', 'if [ -f app.conf ]; then bash -c "echo found"; fi', '[ -f a.sh ] && bash b.sh'],
    },
  },
  {
    id: 'eval',
    category: 'unknown',
    commands: [],
    matches: 'eval of text built at run time (not `eval "$(ssh-agent -s)"` and the like)',
    when: never,
    reason: 'runs text built at run time (eval): cannot tell what runs',
    examples: { flags: ['eval "$ACTION --force"', 'eval $(cat commands.txt)', 'eval ${name}=$(cat /etc/x)', 'eval "$v=1; $cmd"'], quiet: ['eval "$(ssh-agent -s)"', 'eval "$(direnv export bash)"', 'eval ${service}_SSL_CERT=$cert', 'eval "${prefix}_HOST=${host}"'] },
  },
];
