// OpenSSH's signature format (PROTOCOL.sshsig), byte for byte as `ssh-keygen -Y sign`
// writes it, so a signature made by either side verifies on the other. The key signs, not
// the message, but a blob naming the namespace and the message's hash: a signature made for
// git commits (namespace "git") can never pass as an approval.
import { createHash } from 'node:crypto';
import { fingerprint, publicKeyFromBlob, verifySshSignature } from './ssh-public-key.js';
import { WireReader, wireString } from './ssh-wire.js';

const MAGIC = Buffer.from('SSHSIG');
const VERSION = 1;
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
/** ssh-keygen wraps the armored base64 at 70 columns. */
const LINE = 70;

export type SshsigHash = 'sha512' | 'sha256';

export interface Sshsig {
  publicKey: Buffer;
  namespace: string;
  hashAlgorithm: string;
  /** `string algorithm, string signature`, as the key made it. */
  signature: Buffer;
}

/** The bytes a key signs for `message` in `namespace` (never the message itself). */
export function signedData(namespace: string, message: Buffer, hash: SshsigHash = 'sha512'): Buffer {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([MAGIC, wireString(namespace), wireString(''), wireString(hash), wireString(digest)]);
}

export function encodeSshsig(sig: Sshsig): Buffer {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(VERSION);
  return Buffer.concat([
    MAGIC,
    version,
    wireString(sig.publicKey),
    wireString(sig.namespace),
    wireString(''),
    wireString(sig.hashAlgorithm),
    wireString(sig.signature),
  ]);
}

export function armor(blob: Buffer): string {
  const b64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

/** Where the armored signature starts in a text, or -1: the line `-----BEGIN SSH SIGNATURE-----`. */
export function armorStart(text: string): number {
  if (text.startsWith(`${BEGIN}\n`) || text.startsWith(`${BEGIN}\r\n`)) return 0;
  const at = text.indexOf(`\n${BEGIN}`);
  return at < 0 ? -1 : at + 1;
}

/** The blob of an armored signature; throws with what is wrong. */
export function dearmor(text: string): Buffer {
  const trimmed = text.replace(/\r\n/g, '\n').trim();
  if (!trimmed.startsWith(BEGIN)) throw new Error(`it does not start with ${BEGIN}`);
  const end = trimmed.indexOf(END);
  if (end < 0) throw new Error(`it has no ${END} line`);
  // ssh-keygen ignores what follows the END line; here it is refused, so a second signature
  // or words pasted after the first can never be read as part of the approval by a person.
  if (end + END.length !== trimmed.length) throw new Error(`it has more after its ${END} line (one approval holds one signature)`);
  const body = trimmed.slice(BEGIN.length, end).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new Error('its body is not base64');
  return Buffer.from(body, 'base64');
}

export function parseSshsig(blob: Buffer): Sshsig {
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('it is not an SSHSIG signature (no SSHSIG preamble)');
  const r = new WireReader(blob.subarray(MAGIC.length));
  try {
    const version = r.uint32();
    if (version !== VERSION) throw new Error(`SSHSIG version ${version} is not supported`);
    const publicKey = r.string();
    const namespace = r.text();
    r.string(); // reserved
    const hashAlgorithm = r.text();
    const signature = r.string();
    if (!r.done()) throw new Error('it has trailing bytes');
    return { publicKey, namespace, hashAlgorithm, signature };
  } catch (error) {
    throw new Error(error instanceof Error && error.message !== 'truncated' ? error.message : 'it is truncated');
  }
}

export type SshsigCheck =
  | { ok: true; fingerprint: string; keyType: string; publicKey: Buffer }
  | { ok: false; problem: string; fingerprint?: string };

/**
 * What `ssh-keygen -Y check-novalidate` decides: the signature is well formed, made in
 * `namespace`, over exactly `message`, by the key it carries. Whether that key may sign
 * is the allowed_signers question, asked separately.
 */
export function checkSshsig(armored: string, namespace: string, message: Buffer): SshsigCheck {
  let sig: Sshsig;
  try {
    sig = parseSshsig(dearmor(armored));
  } catch (error) {
    return { ok: false, problem: `the signature cannot be read: ${(error as Error).message}` };
  }
  const print = fingerprint(sig.publicKey);
  if (sig.namespace !== namespace) {
    return { ok: false, fingerprint: print, problem: `the signature was made for namespace '${sig.namespace}', not '${namespace}'` };
  }
  if (sig.hashAlgorithm !== 'sha512' && sig.hashAlgorithm !== 'sha256') {
    return { ok: false, fingerprint: print, problem: `the signature uses hash ${sig.hashAlgorithm}; only sha512 and sha256 are accepted` };
  }
  let key;
  try {
    key = publicKeyFromBlob(sig.publicKey);
  } catch (error) {
    return { ok: false, fingerprint: print, problem: `the signing key cannot be used: ${(error as Error).message}` };
  }
  const wrong = verifySshSignature(key, signedData(namespace, message, sig.hashAlgorithm), sig.signature);
  if (wrong) return { ok: false, fingerprint: print, problem: `${wrong}: the signed text was changed after signing, or the signature was` };
  return { ok: true, fingerprint: print, keyType: key.type, publicKey: sig.publicKey };
}

/** What signs: a key file or an agent key (src/targets/ssh/ssh-signer.ts), seen from here. */
export interface SshsigSigner {
  publicKey: Buffer;
  /** An SSH signature blob (`string algorithm, string signature`) over `data`. */
  sign(data: Buffer): Promise<Buffer>;
}

/** The armored signature `ssh-keygen -Y sign -n NAMESPACE` would write for `message` (SHA-512, as it does). */
export async function signSshsig(namespace: string, message: Buffer, signer: SshsigSigner): Promise<string> {
  const signature = await signer.sign(signedData(namespace, message, 'sha512'));
  return armor(encodeSshsig({ publicKey: signer.publicKey, namespace, hashAlgorithm: 'sha512', signature }));
}
