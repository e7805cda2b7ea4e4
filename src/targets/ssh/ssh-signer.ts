// Signing with a person's SSH key, as `ssh-keygen -Y sign -f KEY` does: a key the agent
// (SSH_AUTH_SOCK) holds is used there (so a key kept in the agent, on a smartcard or behind
// a forwarded agent never leaves it); otherwise the private key file is read, its
// passphrase asked for when it is encrypted (never taken from argv). The result is an SSH
// signature blob (`string algorithm, string signature`), what SSHSIG carries.
import { sign as cryptoSign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import ssh2, { type ParsedKey } from 'ssh2';
import { wireMpint, wireString } from '../../core/approvals/ssh-wire.js';

export interface SshSigner {
  /** The public key in SSH wire form. */
  publicKey: Buffer;
  keyType: string;
  comment: string;
  via: 'agent' | 'key file';
  sign(data: Buffer): Promise<Buffer>;
}

export interface SignerOptions {
  /** The agent's socket; absent or empty: no agent. */
  agentSocket?: string | undefined;
  /** Asks for the key file's passphrase (a terminal prompt); absent when nobody can answer. */
  passphrase?: (prompt: string) => Promise<string>;
}

/** A signer for the key at `path` (a private key, or a .pub whose private half the agent holds). */
export async function keyFileSigner(path: string, options: SignerOptions): Promise<SshSigner> {
  const file = path.replace(/^~(?=\/|$)/, homedir());
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read the key ${file} (${error.code ?? String(error)}); give the private key file, or its .pub when the key is in ssh-agent`);
  });
  const publicHalf = parsePublic(text) ?? parsePublic(await readFile(`${file}.pub`, 'utf8').catch(() => ''));
  if (publicHalf) {
    const agent = await agentSignerFor(publicHalf.getPublicSSH(), options.agentSocket);
    if (agent) return agent;
  }
  let parsed = ssh2.utils.parseKey(text);
  if (!(parsed instanceof Error) && !parsed.isPrivateKey()) {
    throw new Error(`${file} is a public key and ssh-agent ${options.agentSocket ? 'does not hold its private half' : 'is not running (SSH_AUTH_SOCK is not set)'}; add it with ssh-add, or give the private key file`);
  }
  if (parsed instanceof Error) {
    if (!/passphrase|encrypted/i.test(parsed.message)) throw new Error(`${file} is not an SSH private key Handrail can use (${parsed.message})`);
    if (!options.passphrase) {
      throw new Error(`${file} is encrypted and there is no terminal to ask its passphrase; add the key to ssh-agent (ssh-add ${file}) and try again, or run this in a terminal`);
    }
    parsed = ssh2.utils.parseKey(text, await options.passphrase(`Passphrase for ${file}: `));
    if (parsed instanceof Error) throw new Error(`the passphrase for ${file} is wrong; nothing was signed`);
  }
  return privateKeySigner(parsed);
}

/** The agent's keys that can sign; an empty list when there is no agent. */
export async function agentSigners(agentSocket: string | undefined): Promise<SshSigner[]> {
  if (!agentSocket) return [];
  const agent = new ssh2.OpenSSHAgent(agentSocket);
  const keys = await new Promise<ParsedKey[]>((resolve, reject) => {
    agent.getIdentities((error, found) => (error ? reject(new Error(`ssh-agent at ${agentSocket} did not answer (${error.message})`)) : resolve((found ?? []).filter((k): k is ParsedKey => 'getPublicSSH' in k))));
  });
  return keys.map((key) => ({
    publicKey: key.getPublicSSH(),
    keyType: key.type,
    comment: key.comment,
    via: 'agent' as const,
    sign: (data: Buffer) => agentSign(agent, key, data),
  }));
}

async function agentSignerFor(publicKey: Buffer, socket: string | undefined): Promise<SshSigner | undefined> {
  const keys = await agentSigners(socket).catch(() => []);
  return keys.find((k) => k.publicKey.equals(publicKey));
}

function agentSign(agent: InstanceType<typeof ssh2.OpenSSHAgent>, key: ParsedKey, data: Buffer): Promise<Buffer> {
  // RSA signs with SHA-512 as ssh-keygen does for SSHSIG; the agent returns the bare signature.
  const algorithm = key.type === 'ssh-rsa' ? 'rsa-sha2-512' : key.type;
  return new Promise((resolve, reject) => {
    agent.sign(key, data, key.type === 'ssh-rsa' ? { hash: 'sha512' } : {}, (error, signature) => {
      if (error || !signature) reject(new Error(`ssh-agent refused to sign (${error?.message ?? 'no signature'}); is the key still loaded and confirmed?`));
      else resolve(signatureBlob(algorithm, signature));
    });
  });
}

function privateKeySigner(key: ParsedKey): SshSigner {
  const pem = key.getPrivatePEM();
  const sign = (data: Buffer): Buffer => {
    switch (key.type) {
      case 'ssh-ed25519':
        return signatureBlob('ssh-ed25519', cryptoSign(null, data, pem));
      case 'ssh-rsa':
        return signatureBlob('rsa-sha2-512', cryptoSign('sha512', data, pem));
      case 'ecdsa-sha2-nistp256':
      case 'ecdsa-sha2-nistp384':
      case 'ecdsa-sha2-nistp521': {
        const hash = { 'ecdsa-sha2-nistp256': 'sha256', 'ecdsa-sha2-nistp384': 'sha384', 'ecdsa-sha2-nistp521': 'sha512' }[key.type];
        const rs = cryptoSign(hash, data, { key: pem, dsaEncoding: 'ieee-p1363' });
        const half = rs.length / 2;
        return signatureBlob(key.type, Buffer.concat([wireMpint(rs.subarray(0, half)), wireMpint(rs.subarray(half))]));
      }
      default:
        throw new Error(`a ${key.type} key cannot sign approvals; use an Ed25519, RSA or ECDSA key`);
    }
  };
  return { publicKey: key.getPublicSSH(), keyType: key.type, comment: key.comment, via: 'key file', sign: (data) => Promise.resolve().then(() => sign(data)) };
}

function parsePublic(text: string): ParsedKey | undefined {
  const line = text.trim();
  if (!/^(ssh-|ecdsa-)\S+ [A-Za-z0-9+/]+=*/.test(line)) return undefined;
  const parsed = ssh2.utils.parseKey(line);
  return parsed instanceof Error ? undefined : parsed;
}

function signatureBlob(algorithm: string, signature: Buffer): Buffer {
  return Buffer.concat([wireString(algorithm), wireString(signature)]);
}
