// Destructive-command rules for firewall and security state that installers remove when they
// uninstall: firewalld rules, a reload that swaps the live ruleset for the saved one, SELinux
// mappings, WireGuard peers, revoked certificates, disabled package repositories, services
// taken out of the boot sequence, and a crontab rewritten without some of its lines.
import { operands, options } from './command-args.js';
import type { DestructiveRule, RuleInput } from './destructive-rule-types.js';

const SYSTEMCTL_OPTIONS = options('-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '-s', '--signal', '--state', '-n', '--lines', '-o', '--output', '--kill-whom', '--root');
/** Services whose reload loads the saved ruleset in place of the running one. */
const FIREWALL_SERVICES = /^(nftables|iptables|ip6tables|netfilter-persistent|firewalld|ufw)(\.service)?$/;

/** `firewall-cmd --remove-…`, `--delete-…`, `--reload`: what it takes away, or false. */
function firewalldRemoval(args: string[]): string | false {
  const removal = args.find((a) => /^--(remove|delete)-/.test(a));
  if (removal !== undefined) return `firewall-cmd ${removal.split('=')[0]}${args.includes('--permanent') ? ' --permanent' : ''}`;
  // The saved configuration replaces the running one: rules added at run time only are dropped.
  const reload = args.find((a) => a === '--reload' || a === '--complete-reload');
  return reload !== undefined && `firewall-cmd ${reload}`;
}

function firewallReload(i: RuleInput): string | false {
  if (i.knowledge.firewallReplaced) return false;
  if (i.name === 'systemctl') {
    const [verb = '', ...names] = operands(i.args, SYSTEMCTL_OPTIONS);
    const hit = names.find((n) => FIREWALL_SERVICES.test(n));
    return /^(reload|reload-or-restart|try-reload-or-restart|restart|force-reload)$/.test(verb) && hit !== undefined && `${verb} ${hit}`;
  }
  const [name = '', verb = ''] = operands(i.args, options());
  return /^(reload|restart|force-reload)$/.test(verb) && FIREWALL_SERVICES.test(name) && `${name} ${verb}`;
}

/** Programs that print what they download. */
const DOWNLOADERS = /^(curl|wget|fetch)$/;

export const SECURITY_RULES: readonly DestructiveRule[] = [
  {
    id: 'shell-from-download',
    category: 'unknown',
    commands: ['sh', 'bash', 'dash', 'zsh', 'ksh'],
    matches: 'a shell reading its script from curl/wget on stdin (`curl … | sudo bash`)',
    // The script is fetched when the step runs: nothing in this one says what it does.
    when: (i) => DOWNLOADERS.test(i.call.stdinFrom ?? '') && !i.args.includes('-c') && (i.args.includes('-s') || i.args.every((a) => a.startsWith('-') || /^\$\{?[@*]\}?$/.test(a))) && `${i.call.stdinFrom ?? ''} | ${i.name}`,
    reason: 'runs a script downloaded when the step runs ({}): cannot tell what runs',
    examples: { flags: ['curl -sSL https://install.example.org | sudo bash', 'wget -qO- https://get.example.org | sh -s -- --yes'], quiet: ['curl -sSL https://example.org/data.json | jq .', 'cat local.sh | bash', 'curl -fsSL https://example.org/x.sh -o x.sh'] },
  },
  {
    id: 'firewalld-remove',
    category: 'network',
    commands: ['firewall-cmd', 'firewall-offline-cmd'],
    matches: 'firewall-cmd --remove-* / --delete-* (runtime or --permanent), --reload, --complete-reload',
    when: (i) => firewalldRemoval(i.args),
    reason: 'removes firewall rules, or swaps the running ones for the saved ones ({})',
    examples: {
      flags: ['firewall-cmd --remove-port=1194/udp', 'firewall-cmd --permanent --remove-masquerade', 'firewall-cmd --direct --remove-rule ipv4 nat POSTROUTING 0 -j SNAT --to 192.0.2.1', 'firewall-cmd --reload', 'firewall-cmd --permanent --delete-zone=lab'],
      quiet: ['firewall-cmd --add-port=1194/udp', 'firewall-cmd --list-ports', 'firewall-cmd --direct --get-rules ipv4 nat POSTROUTING', 'firewall-cmd --state'],
    },
  },
  {
    id: 'firewall-reload',
    category: 'network',
    commands: ['systemctl', 'service', 'rc-service', 'invoke-rc.d'],
    matches: 'systemctl reload/restart nftables, iptables, netfilter-persistent, firewalld; service NAME reload (not after the script loaded a ruleset itself)',
    when: firewallReload,
    reason: 'loads the saved firewall ruleset over the running one; rules other tools added at run time are lost ({})',
    examples: { flags: ['systemctl reload nftables', 'service netfilter-persistent reload'], quiet: ['systemctl reload nginx', 'systemctl status nftables', 'systemctl enable nftables', 'nft -f /etc/nftables.conf\nsystemctl reload nftables'] },
  },
  {
    id: 'selinux-delete',
    category: 'access',
    commands: ['semanage'],
    matches: 'semanage OBJECT -d / --delete / -D / --deleteall',
    when: (i) => i.args.some((a) => a === '-d' || a === '--delete' || a === '-D' || a === '--deleteall') && `semanage ${i.args[0] ?? ''} delete`,
    reason: 'deletes SELinux policy settings ({})',
    examples: { flags: ['semanage port -d -t openvpn_port_t -p udp 1194', 'semanage fcontext --delete "/srv/www(/.*)?"'], quiet: ['semanage port -a -t openvpn_port_t -p udp 1194', 'semanage port -l'] },
  },
  {
    id: 'wireguard-peer-remove',
    category: 'network',
    commands: ['wg'],
    matches: 'wg set IFACE peer KEY remove',
    when: (i) => operands(i.args)[0] === 'set' && i.args.includes('peer') && i.args.includes('remove'),
    reason: 'removes a peer from the live WireGuard interface; its connection drops',
    examples: { flags: ['wg set wg0 peer "$key" remove'], quiet: ['wg set wg0 peer "$key" allowed-ips 10.7.0.2/32', 'wg show wg0'] },
  },
  {
    id: 'certificate-revoke',
    category: 'access',
    commands: ['easyrsa', 'easyrsa.sh', 'certbot', 'step'],
    matches: 'easyrsa revoke / revoke-issued / revoke-renewed / revoke-expired, certbot revoke/delete, step ca revoke',
    when: (i) => {
      const verb = operands(i.args, options('--days', '--vars', '--pki-dir', '--req-cn', '--cert-name', '--cert-path'))[i.name === 'step' ? 1 : 0] ?? '';
      return /^(revoke(-\w+)?|delete)$/.test(verb) && `${i.name} ${verb}`;
    },
    reason: 'revokes or deletes a certificate: whoever holds it loses access ({})',
    examples: { flags: ['./easyrsa --batch revoke "$client"', 'easyrsa --batch revoke-issued alice', 'certbot delete --cert-name shop.example.org', 'step ca revoke --serial 123'], quiet: ['./easyrsa --batch build-client-full alice nopass', './easyrsa --batch gen-crl', 'certbot renew'] },
  },
  {
    id: 'package-repo-disable',
    category: 'packages',
    commands: ['dnf', 'yum', 'add-apt-repository', 'zypper'],
    matches: 'dnf/yum copr disable|remove, add-apt-repository --remove, zypper removerepo',
    when: (i) => {
      const words = operands(i.args, options('--setopt', '--enablerepo', '--disablerepo'));
      if (words[0] === 'copr' && /^(disable|remove)$/.test(words[1] ?? '')) return `${i.name} copr ${words[1]}`;
      if (i.name === 'add-apt-repository' && i.args.some((a) => a === '-r' || a === '--remove')) return 'add-apt-repository --remove';
      return i.name === 'zypper' && /^(removerepo|rr)$/.test(words[0] ?? '') && `zypper ${words[0]}`;
    },
    reason: 'removes a package repository; its packages no longer update ({})',
    examples: { flags: ['dnf copr disable -y dsommers/openvpn-release', 'add-apt-repository --remove ppa:team/tools', 'zypper rr openvpn'], quiet: ['dnf copr enable -y dsommers/openvpn-release', 'add-apt-repository ppa:team/tools'] },
  },
  {
    id: 'boot-service-remove',
    category: 'services',
    commands: ['update-rc.d', 'rc-update', 'chkconfig'],
    matches: 'update-rc.d NAME remove|disable, rc-update del, chkconfig --del / NAME off',
    when: (i) => {
      const words = operands(i.args, options());
      if (i.name === 'update-rc.d') return /^(remove|disable)$/.test(words[1] ?? '') && `update-rc.d ${words[1]}`;
      if (i.name === 'rc-update') return /^(del|delete)$/.test(words[0] ?? '') && 'rc-update del';
      return (i.args.includes('--del') || words[1] === 'off') && 'chkconfig';
    },
    reason: 'takes a service out of the boot sequence: it no longer starts ({})',
    examples: { flags: ['update-rc.d pihole-FTL disable', 'update-rc.d -f openvpn remove', 'rc-update del pihole-FTL default', 'chkconfig --del openvpn'], quiet: ['update-rc.d pihole-FTL defaults', 'rc-update add pihole-FTL default', 'chkconfig --list'] },
  },
  {
    id: 'crontab-replace',
    category: 'access',
    commands: ['crontab'],
    // grep keeps only some lines; sed also rewrites a generated crontab without dropping any, so it is left out.
    matches: 'crontab - fed by grep (a crontab rewritten without some of its lines)',
    when: (i) => operands(i.args, options('-u'))[0] === '-' && /^(grep|egrep)$/.test(i.call.stdinFrom ?? '') && `crontab - from ${i.call.stdinFrom ?? ''}`,
    reason: 'replaces the crontab with a filtered copy: the lines filtered out are deleted ({})',
    examples: { flags: ['crontab -l | grep -v "/usr/local/sbin/updater" | crontab -', '(crontab -l -u root 2>/dev/null | grep -v "updater") | crontab -u root -'], quiet: ['crontab -l', 'printf "%s\\n" "$JOB" | sed -E "s/a/b/" | crontab -', '(crontab -l 2>/dev/null; echo "0 3 * * * /usr/local/sbin/updater") | crontab -'] },
  },
];
