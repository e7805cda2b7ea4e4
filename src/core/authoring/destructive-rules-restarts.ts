// Destructive-command rules for restarts and container re-creation. A restart of a running
// service or container stops it for a moment: requests in flight fail, a daemon's children
// (every container under `systemctl restart docker`) stop with it. An operator treats that as
// an interruption to confirm, so it is flagged; a reload (`reload`, `kill -HUP`,
// `nginx -s reload`) re-reads configuration while the service keeps running and stays quiet.
import { hasFlag, operands, options } from './command-args.js';
import type { DestructiveRule, RuleInput } from './destructive-rule-types.js';
import { composeVerb, containerVerb } from './destructive-rules-platforms.js';

const SYSTEMCTL_OPTIONS = options('-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '-s', '--signal', '--state', '-n', '--lines', '-o', '--output', '--kill-whom', '--root');
const RESTART_VERB = /^(restart|try-restart|reload-or-restart|try-reload-or-restart|condrestart|force-reload|force-restart)$/;

/** The service (or container) names a restart reaches, or the verb itself when it names none. */
function named(words: string[]): string {
  return words.length > 0 ? words.join(' ') : 'the service';
}

/** `systemctl restart NAME…`, `service NAME restart`, `sv restart NAME`, …: the names restarted, if it is a restart. */
function restartedService(i: RuleInput): string | false {
  if (i.name === 'systemctl') {
    const [verb = '', ...names] = operands(i.args, SYSTEMCTL_OPTIONS);
    return RESTART_VERB.test(verb) && named(names);
  }
  if (i.name === 'service' || i.name === 'invoke-rc.d' || i.name === 'rc-service') {
    const [name = '', verb = ''] = operands(i.args, options());
    return RESTART_VERB.test(verb) && named([name]);
  }
  if (i.name === 'sv') {
    const [verb = '', ...names] = operands(i.args, options('-w'));
    return /^(restart|t|force-restart|force-reload)$/.test(verb) && named(names);
  }
  if (i.name === 'supervisorctl') {
    const [verb = '', ...names] = operands(i.args, options('-c', '--configuration', '-s', '--serverurl', '-u', '--username', '-p', '--password'));
    return verb === 'restart' && named(names);
  }
  // snapd, s6 and launchd are service managers like systemd: their restart stops the daemon too.
  if (i.name === 'snap' || i.name === 'snapctl') {
    const [verb = '', ...names] = operands(i.args, options());
    return verb === 'restart' && !hasFlag(i.args, '', '--reload') && named(names);
  }
  if (i.name === 's6-svc') return hasFlag(i.args, 'rt') && named(operands(i.args, options('-T', '-w')));
  if (i.name === 'launchctl') {
    const [verb = '', ...names] = operands(i.args, options());
    return verb === 'kickstart' && hasFlag(i.args, 'k') && named(names);
  }
  if (i.name === 'docker' || i.name === 'podman') {
    const [verb = '', ...names] = containerVerb(i.args);
    if (verb === 'restart' || (verb === 'container' && names[0] === 'restart')) return named(verb === 'restart' ? names : names.slice(1));
  }
  return false;
}

export const RESTART_RULES: readonly DestructiveRule[] = [
  {
    id: 'service-restart',
    category: 'services',
    commands: ['systemctl', 'service', 'invoke-rc.d', 'rc-service', 'sv', 'supervisorctl', 'snap', 'snapctl', 's6-svc', 'launchctl', 'docker', 'podman'],
    matches: 'systemctl restart/try-restart/reload-or-restart, service NAME restart, /etc/init.d/NAME restart, sv restart, supervisorctl restart, snap/snapctl restart, s6-svc -r/-t, launchctl kickstart -k, docker/podman restart (not reload)',
    when: restartedService,
    reason: 'restarts {} (it stops while it restarts)',
    examples: {
      flags: ['systemctl restart docker', 'sudo systemctl reload-or-restart nginx', 'service postfix restart', 'sudo /etc/init.d/nginx restart', 'sv restart unicorn', 'supervisorctl restart worker', 'docker restart shop-worker', 'podman container restart web', 'snapctl restart ${SNAP_NAME}.daemon-containerd', 'snap restart microk8s', 's6-svc -r /run/service/nginx', 'launchctl kickstart -k system/com.example.agent'],
      quiet: ['systemctl reload nginx', 'systemctl daemon-reload', 'service nginx reload', 'sv hup unicorn', 'kill -HUP "$(cat /run/nginx.pid)"', 'nginx -s reload', 'docker start shop-worker', 'supervisorctl reread', 'snap restart --reload microk8s', 'snapctl services', 's6-svc -h /run/service/nginx', 'launchctl kickstart system/com.example.agent'],
    },
  },
  {
    id: 'compose-restart',
    category: 'services',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose'],
    matches: 'compose restart',
    when: (i) => {
      const c = composeVerb(i);
      if (c?.verb !== 'restart') return false;
      const names = operands(c.args, options('-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '-t', '--timeout')).slice(1);
      return names.length > 0 ? names.join(' ') : 'every service of the stack';
    },
    reason: 'restarts {} (it stops while it restarts)',
    examples: { flags: ['docker compose restart relay', 'docker-compose restart', 'dc="docker compose --ansi never"\n$dc restart relay'], quiet: ['docker compose ps', 'docker compose logs relay'] },
  },
  {
    id: 'compose-up-replace',
    category: 'services',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose'],
    matches: 'compose up --force-recreate / --remove-orphans / -V (--renew-anon-volumes)',
    when: (i) => {
      const c = composeVerb(i);
      if (c?.verb !== 'up') return false;
      if (hasFlag(c.args, '', '--force-recreate')) return 'stops and recreates the running containers (compose up --force-recreate)';
      if (hasFlag(c.args, 'V', '--renew-anon-volumes')) return 'recreates containers with new anonymous volumes; what the old ones held is lost (compose up -V)';
      if (hasFlag(c.args, '', '--remove-orphans')) return 'removes containers the compose file no longer names (compose up --remove-orphans)';
      return false;
    },
    reason: '{}',
    examples: { flags: ['docker compose up -d --force-recreate nginx', 'docker-compose up -d --remove-orphans', 'docker compose up -d -V db'], quiet: ['docker compose up -d', 'docker compose up -d --wait', 'docker-compose up --no-recreate'] },
  },
];
