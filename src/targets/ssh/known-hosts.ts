// OpenSSH known_hosts files, read and appended the way ssh(1) does (sshd(8), "SSH_KNOWN_HOSTS
// FILE FORMAT"), so an operator's existing ~/.ssh/known_hosts vouches for hosts in Handrail
// too, and a key Handrail records is one ssh(1) trusts as well.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostKeyVerdict } from '../../core/engine/ports.js';

export interface KnownHostsEntry {
  /** `path:line`, so a message can name the line the operator has to look at. */
  source: string;
  revoked: boolean;
  /** The host field as written: comma-separated patterns, or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  keyBlob: Buffer;
}

/** The engine's verdict, plus `revoked`, and the lines that decided it. */
export type HostKeyCheck = (HostKeyVerdict | { status: 'revoked'; fingerprint: string }) & {
  keyType: string;
  /** `path:line` of the entries behind a known, changed or revoked verdict. */
  sources: string[];
};

/** `SHA256:` + unpadded base64 of sha256(blob), exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The name known_hosts files use: `host` on port 22, `[host]:port` elsewhere (lower case, as ssh does). */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/** The key type written inside an SSH wire-format key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return undefined;
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** Parses a known_hosts file. Lines ssh(1) would skip (malformed, unknown markers) are skipped. */
export function parseKnownHosts(text: string, path: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      // @cert-authority lines hold a CA key that signs host *certificates*; ssh2 never
      // presents or checks host certificates, so such a line cannot vouch for a plain key.
      // A host trusted only through a CA therefore shows as unknown and needs an explicit
      // accept. Any other marker is malformed, and ssh(1) skips it too.
      if (fields[0] !== '@revoked') return;
      revoked = true;
      fields.shift();
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined) return;
    const keyBlob = Buffer.from(base64, 'base64');
    // Buffer.from ignores garbage; the type inside the blob proves it decoded to a key.
    if (keyTypeOf(keyBlob) !== keyType) return;
    entries.push({ source: `${path}:${index + 1}`, revoked, hosts, keyType, keyBlob });
  });
  return entries;
}

/** Reads the files in order; a missing file is simply empty, as it is for ssh(1). */
export async function loadKnownHosts(paths: readonly string[]): Promise<KnownHostsEntry[]> {
  const entries: KnownHostsEntry[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      // Skipping an unreadable file could turn a "changed" key into a merely "unknown" one.
      throw new Error(`could not read the known_hosts file ${path} (${code ?? String(error)})`, { cause: error });
    }
    entries.push(...parseKnownHosts(text, path));
  }
  return entries;
}

/**
 * What the files say about the key `host:port` presented.
 *
 * - revoked: an `@revoked` line lists this key. sshd(8) says such a key "must not ever be
 *   accepted", so it counts whatever host patterns that line names.
 * - known: a line for this host holds exactly this key.
 * - changed: lines for this host exist, none with this key, whatever their key type.
 *   ssh(1) calls a different key of the *same* type "changed" but one of only *another*
 *   type "unknown" (with a warning). Handrail is stricter: an attacker may present any key
 *   type, and "unknown" can be accepted by typing its fingerprint. The connection prefers
 *   the key types already known (see preferredHostKeyAlgorithms), so a host that still has
 *   its recorded key is never reported changed because it also has a newer one.
 * - unknown: no line names this host.
 */
export function checkHostKey(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): HostKeyCheck {
  const keyType = keyTypeOf(keyBlob) ?? 'unknown-key-type';
  const fingerprint = fingerprintSha256(keyBlob);
  const revoked = entries.filter((entry) => entry.revoked && entry.keyBlob.equals(keyBlob));
  if (revoked.length > 0) return { status: 'revoked', fingerprint, keyType, sources: sourcesOf(revoked) };

  const trusted = entriesFor(entries, host, port);
  const same = trusted.filter((entry) => entry.keyBlob.equals(keyBlob));
  if (same.length > 0) return { status: 'known', fingerprint, keyType, sources: sourcesOf(same) };
  if (trusted.length > 0) {
    const expected = [...new Set(trusted.map((entry) => fingerprintSha256(entry.keyBlob)))];
    return { status: 'changed', fingerprint, expected, keyType, sources: sourcesOf(trusted) };
  }
  return { status: 'unknown', fingerprint, keyType, sources: [] };
}

/** Key types recorded for `host:port` (not revoked), in file order. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], host: string, port: number): string[] {
  return [...new Set(entriesFor(entries, host, port).map((entry) => entry.keyType))];
}

/**
 * Appends a hashed entry (`|1|salt|HMAC-SHA1(salt, name)`, as HashKnownHosts writes) so the
 * file does not list which hosts this machine talks to. Creates the folder 0700 and the file
 * 0600, as ssh(1) expects of ~/.ssh; existing permissions are left alone.
 */
export async function appendKnownHost(path: string, host: string, port: number, keyLine: string): Promise<void> {
  const [keyType, base64] = keyLine.trim().split(/\s+/);
  if (keyType === undefined || base64 === undefined || keyTypeOf(Buffer.from(base64, 'base64')) !== keyType) {
    throw new Error(`not an OpenSSH public key line: ${keyLine}`);
  }
  const line = `${hashHostName(knownHostsName(host, port))} ${keyType} ${base64}\n`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = await open(path, 'a+', 0o600);
  try {
    // A file whose last line lacks its newline would otherwise swallow our entry into it.
    const { size } = await file.stat();
    const last = Buffer.alloc(1);
    if (size > 0) await file.read(last, 0, 1, size - 1);
    await file.appendFile(size > 0 && last[0] !== 0x0a ? `\n${line}` : line);
    // Trust decisions must survive a crash right after the operator made them.
    await file.sync();
  } finally {
    await file.close();
  }
}

function entriesFor(entries: readonly KnownHostsEntry[], host: string, port: number): KnownHostsEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((entry) => !entry.revoked && hostFieldMatches(entry.hosts, name));
}

function sourcesOf(entries: readonly KnownHostsEntry[]): string[] {
  return entries.map((entry) => entry.source);
}

function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** ssh(1)'s rules: a hashed field, or patterns where one negated match vetoes the line. */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) {
    const [, magic, salt, hash] = field.split('|');
    if (magic !== '1' || salt === undefined || hash === undefined) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  let matched = false;
  for (const pattern of field.toLowerCase().split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `*` and `?` wildcards, as in ssh_config(5) PATTERNS; everything else is literal. */
function globMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}
