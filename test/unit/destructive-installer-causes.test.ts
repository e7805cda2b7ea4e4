// General causes behind the misses measured on installer scripts that also uninstall
// (test/fixtures/destructive-real/README.md): a wrapper that takes a description first, an
// uninstall branch deleting what only the install branch creates, firewall and security state
// removed through firewalld, SELinux, WireGuard and PKI tools. Look-alikes written for the
// cause, not lines copied from those scripts.
import { describe, expect, it } from 'vitest';
import { destructiveFindings } from '../../src/core/authoring/destructive-commands.js';

const rules = async (script: string): Promise<string[]> => (await destructiveFindings(script)).map((f) => f.rule);
const lines = async (script: string): Promise<number[]> => (await destructiveFindings(script)).map((f) => f.line);

describe('wrappers that take a description before the command', () => {
  const shifted = ['run_step() {', '  local desc="$1"', '  shift', '  echo "$desc: $*"', '  "$@"', '}'];
  it('judges each call by the command it hands on after `shift`', async () => {
    expect(await rules([...shifted, 'run_step "Removing the VPN package" dnf remove -y openvpn'].join('\n'))).toContain('package-remove');
    expect(await rules([...shifted, 'run_step "Stopping" systemctl stop vpn'].join('\n'))).toContain('systemctl-stop');
    expect(await rules([...shifted, 'run_step "Listing" ls /etc'].join('\n'))).toEqual([]);
  });

  it('judges `"${@:2}"` the same way', async () => {
    const script = ['step() {', '  echo "== $1"', '  "${@:2}"', '}', 'step "Cleaning" rm -rf /var/lib/app', 'step "Looking" cat /etc/hosts'].join('\n');
    expect(await lines(script)).toEqual([5]);
  });

  it('does not call a wrapper of a wrapper "cannot tell what runs", and judges its calls', async () => {
    const script = [...shifted, 'run_or_die() {', '  local desc="$1"', '  shift', '  if ! run_step "$desc" "$@"; then exit 1; fi', '}', 'run_or_die "Reading" cat /etc/hosts', 'run_or_die "Dropping" rm -f /etc/app.conf'].join('\n');
    expect(await lines(script)).toEqual([13]);
  });
});

describe('an uninstall branch', () => {
  it('flags deleting a file that only the other branch of the same if creates', async () => {
    const script = ['if [[ ! -e /etc/vpn/server.conf ]]; then', '  echo "net.ipv4.ip_forward=1" > /etc/sysctl.d/99-vpn.conf', 'else', '  rm -f /etc/sysctl.d/99-vpn.conf', 'fi'].join('\n');
    expect(await lines(script)).toContain(4);
  });

  it('flags it in another arm of a case too', async () => {
    const script = ['case "$option" in', '  1)', '    echo x > /etc/vpn/unit.service', '    ;;', '  2)', '    rm -f /etc/vpn/unit.service', '    ;;', 'esac'].join('\n');
    expect(await lines(script)).toContain(6);
  });

  it('still does not flag deleting a file made earlier on the same path', async () => {
    const script = ['if [[ -n "$x" ]]; then', '  echo 1 > /etc/vpn/made.conf', '  rm -f /etc/vpn/made.conf', 'fi', 'echo 2 > /etc/vpn/other.conf', 'if true; then rm -f /etc/vpn/other.conf; fi'].join('\n');
    const flagged = await lines(script);
    expect(flagged).not.toContain(3);
    expect(flagged).not.toContain(6);
  });
});

describe('firewall, security and package state an uninstall removes', () => {
  it.each([
    ['firewall-cmd --remove-port=1194/udp', 'firewalld-remove'],
    ['firewall-cmd --permanent --zone=trusted --remove-source=10.8.0.0/24', 'firewalld-remove'],
    ['firewall-cmd --permanent --remove-rich-rule="rule family=ipv4 source address=10.8.0.0/24 accept"', 'firewalld-remove'],
    ['firewall-cmd --permanent --remove-masquerade', 'firewalld-remove'],
    ['firewall-cmd --direct --remove-rule ipv4 nat POSTROUTING 0 -s 10.8.0.0/24 -j SNAT --to 192.0.2.1', 'firewalld-remove'],
    ['firewall-cmd --reload', 'firewalld-remove'],
    ['systemctl reload nftables', 'firewall-reload'],
    ['semanage port -d -t openvpn_port_t -p udp 1194', 'selinux-delete'],
    ['wg set wg0 peer "$key" remove', 'wireguard-peer-remove'],
    ['./easyrsa --batch revoke "$client"', 'certificate-revoke'],
    ['./easyrsa --batch revoke-issued "$client"', 'certificate-revoke'],
    ['pacman --noconfirm -R openvpn', 'package-remove'],
    ['dnf copr disable -y dsommers/openvpn-release', 'package-repo-disable'],
    ['update-rc.d pihole-FTL disable', 'boot-service-remove'],
    ['rc-update del pihole-FTL default', 'boot-service-remove'],
    ['crontab -l | grep -v "/usr/local/sbin/updater" | crontab -', 'crontab-replace'],
  ])('flags `%s`', async (command, rule) => {
    expect(await rules(command)).toContain(rule);
  });

  it.each([
    'firewall-cmd --add-port=1194/udp',
    'firewall-cmd --permanent --list-ports',
    'firewall-cmd --direct --get-rules ipv4 nat POSTROUTING',
    'systemctl reload nginx',
    'semanage port -a -t openvpn_port_t -p udp 1194',
    'wg set wg0 peer "$key" allowed-ips 10.7.0.2/32',
    'wg show wg0',
    './easyrsa --batch build-client-full "$client" nopass',
    './easyrsa --batch gen-crl',
    'pacman -Syu --noconfirm openvpn',
    'dnf copr enable -y dsommers/openvpn-release',
    'update-rc.d pihole-FTL defaults',
    'rc-update add pihole-FTL default',
    'crontab -l',
    '(crontab -l 2>/dev/null; echo "0 3 * * * /usr/local/sbin/updater") | crontab -',
  ])('does not flag `%s`', async (command) => {
    expect(await rules(command)).toEqual([]);
  });
});

describe('a file written whole in each arm', () => {
  it('judges the write of each arm alike: the first arm decides', async () => {
    const script = ['date > /srv/app/out.conf', 'case "$distro" in', '  debian)', '    hostname > /srv/app/out.conf', '    ;;', '  arch)', '    uname -n > /srv/app/out.conf', '    ;;', 'esac'].join('\n');
    expect(await lines(script)).toEqual([1]);
  });
});

describe('restores, downloaded scripts and multi-call programs', () => {
  it('flags a cp from a backup over a file the script did not make', async () => {
    expect(await rules('cp -p /etc/systemd/resolved.conf.orig /etc/systemd/resolved.conf')).toContain('cp-restore');
    expect(await rules('cp "${dbBackup}.${num}" "${liveDb}"')).toContain('cp-restore');
    expect(await rules('cd /etc/app\ncp migration_backup/* .')).toContain('cp-restore');
    expect(await rules('filename="${dbBackup}.${num}"\ncp "${filename}" "${liveDb}"')).toContain('cp-restore');
    expect(await rules('cp /etc/app.conf /etc/app.conf.bak')).toEqual([]);
    expect(await rules('cp -n /etc/app.conf.orig /etc/app.conf')).toEqual([]);
    expect(await rules('cp app.conf.example /etc/app.conf')).toEqual([]);
  });

  it('flags a shell that runs a script downloaded at run time', async () => {
    expect(await rules('curl -sSL https://install.example.org | sudo bash')).toContain('shell-from-download');
    expect(await rules('wget -qO- https://get.example.org | sh -s -- --yes')).toContain('shell-from-download');
    expect(await rules('curl -sSL https://example.org/data.json | jq .')).toEqual([]);
    expect(await rules('cat local.sh | bash')).not.toContain('shell-from-download');
  });
});

describe('what a wrapper of a wrapper makes', () => {
  it('does not skip an argument a wrapper shifts away only in one branch', async () => {
    const script = ['as_user() {', '  if [[ ${1:-} != --quiet ]]; then', '    echo "running $*"', '  else', '    shift 1', '  fi', '  "$@"', '}', 'as_user cat /etc/hosts', 'as_user rm -f /etc/app.conf'].join('\n');
    expect(await lines(script)).toEqual([10]);
  });

  it('knows a file downloaded through the outer wrapper is the script’s own', async () => {
    const script = ['run_step() {', '  local desc="$1"', '  shift', '  "$@"', '}', 'run_or_die() {', '  local desc="$1"', '  shift', '  if ! run_step "$desc" "$@"; then exit 1; fi', '}', 'run_or_die "Downloading" curl -fL -o ~/kit.tgz "https://example.org/kit.tgz"', 'run_step "Cleaning up" rm -f ~/kit.tgz'].join('\n');
    expect(await lines(script)).toEqual([]);
  });
});

describe('eval of a command the script spells out', () => {
  it('reads `eval $VAR fixed-words` by the values the script gives VAR', async () => {
    const set = ['if [[ -x /usr/bin/apt-get ]]; then', '  PKG_MANAGER="apt-get"', '  PKG_INSTALL="${PKG_MANAGER} -qq install"', '  PKG_REMOVE="${PKG_MANAGER} -y remove"', 'else', '  PKG_MANAGER="dnf"', '  PKG_INSTALL="${PKG_MANAGER} install -y"', '  PKG_REMOVE="${PKG_MANAGER} remove -y"', 'fi'];
    expect(await rules([...set, 'eval ${PKG_INSTALL} /tmp/meta.deb'].join('\n'))).toEqual([]);
    expect(await rules([...set, 'eval ${PKG_REMOVE} lighttpd'].join('\n'))).toContain('package-remove');
    expect(await rules([...set, 'eval ${PKG_INSTALL} "$USER_INPUT"'].join('\n'))).toContain('eval');
    expect(await rules('eval "$1"')).toContain('eval');
  });
});

describe('test brackets with a regex', () => {
  it('reads no command inside [[ … =~ regex && … ]]', async () => {
    const script = ['until [[ -z "$n" || "$n" =~ ^[0-9]+$ && "$n" -le "$max" ]]; do', '  read -p "Number: " n', 'done'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('reads no command there when the grammar mislexes the regex after a quoted pipe earlier', async () => {
    const script = ['if true; then', '	count=$(ip -4 addr | grep inet | grep -vEc \'127(\\.[0-9]{1,3}){3}\')', '	echo "Which address?"', '	ip -4 addr | grep inet | grep -vE \'127(\\.[0-9]{1,3}){3}\' | cut -d \'/\' -f 1 | nl -s \') \'', '	read -p "Address [1]: " pick', '	until [[ -z "$pick" || "$pick" =~ ^[0-9]+$ && "$pick" -le "$count" ]]; do', '		echo "$pick: invalid selection."', '		read -p "Address [1]: " pick', '	done', '	addr=$(ip -4 addr | grep inet | cut -d \'/\' -f 1 | sed -n "$pick"p)', 'fi'].join('\n');
    expect(await rules(script)).toEqual([]);
  });

  it('still judges a command substitution inside the brackets', async () => {
    expect(await rules('if [[ -n "$(rm -rf /var/lib/app)" ]]; then echo x; fi')).toContain('rm-recursive');
  });
});
