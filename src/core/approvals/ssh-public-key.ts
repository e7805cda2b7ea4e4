// SSH public keys as OpenSSH writes them (`ssh-ed25519 AAAA… comment`), turned into
// node:crypto keys so a signature can be checked without any SSH library: Ed25519, RSA and
// ECDSA (NIST P-256/384/521). Security keys (sk-…) and certificates are named and refused,
// since their signatures carry more than the key alone can check.
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { unsignedFixed, WireReader } from './ssh-wire.js';

export interface SshPublicKey {
  /** `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, … */
  type: string;
  /** The key in SSH wire form, what fingerprints and comparisons use. */
  blob: Buffer;
  key: KeyObject;
}

const CURVES: Record<string, { crv: string; hash: string; size: number }> = {
  'ecdsa-sha2-nistp256': { crv: 'P-256', hash: 'sha256', size: 32 },
  'ecdsa-sha2-nistp384': { crv: 'P-384', hash: 'sha384', size: 48 },
  'ecdsa-sha2-nistp521': { crv: 'P-521', hash: 'sha512', size: 66 },
};

export const SUPPORTED_KEY_TYPES = ['ssh-ed25519', 'ssh-rsa', ...Object.keys(CURVES)];

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Why a key type cannot be used, or null when it can. */
export function unsupportedKeyType(type: string): string | null {
  if (SUPPORTED_KEY_TYPES.includes(type)) return null;
  if (type.includes('-cert-v01@openssh.com')) return `${type} is a certificate; list the approver's own public key instead`;
  if (type.startsWith('sk-')) return `${type} (a security key) is not supported yet; use an Ed25519, RSA or ECDSA key`;
  return `key type ${type} is not supported (use ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256/384/521)`;
}

const b64url = (b: Buffer) => b.toString('base64url');

/** A key from its wire form; throws an Error whose message says what is wrong. */
export function publicKeyFromBlob(blob: Buffer): SshPublicKey {
  const r = new WireReader(blob);
  const type = r.text();
  const unsupported = unsupportedKeyType(type);
  if (unsupported) throw new Error(unsupported);
  let key: KeyObject;
  if (type === 'ssh-ed25519') {
    const raw = r.string();
    if (raw.length !== 32) throw new Error('an ssh-ed25519 key must be 32 bytes');
    if (smallOrder(raw)) throw new Error('the ssh-ed25519 key is a small-order point, for which a signature of any text verifies');
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
  } else if (type === 'ssh-rsa') {
    const e = r.string();
    const n = r.string();
    const bits = bitLength(strip(n));
    if (bits < 1024) throw new Error(`a ${bits}-bit RSA key is too short (OpenSSH requires 1024 bits or more)`);
    key = createPublicKey({ key: { kty: 'RSA', e: b64url(strip(e)), n: b64url(strip(n)) }, format: 'jwk' });
  } else {
    const curve = CURVES[type]!;
    const name = r.text();
    if (`ecdsa-sha2-${name}` !== type) throw new Error(`the key says ${type} but its curve is ${name}`);
    const point = r.string();
    if (point[0] !== 4 || point.length !== 1 + 2 * curve.size) throw new Error('only uncompressed ECDSA points are supported');
    key = createPublicKey({
      key: { kty: 'EC', crv: curve.crv, x: b64url(point.subarray(1, 1 + curve.size)), y: b64url(point.subarray(1 + curve.size)) },
      format: 'jwk',
    });
  }
  if (!r.done()) throw new Error('the key has trailing bytes');
  return { type, blob, key };
}

/** `ssh-ed25519 AAAA…` (a comment may follow); the type named must be the blob's. */
export function parsePublicKeyText(type: string, base64: string): SshPublicKey {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('the key is not base64');
  const blob = Buffer.from(base64, 'base64');
  const inner = new WireReader(blob).text();
  if (inner !== type) throw new Error(`the line says ${type} but the key is ${inner}`);
  return publicKeyFromBlob(blob);
}

/** The signature algorithms each key type may sign SSHSIG with (OpenSSH refuses RSA with SHA-1 there). */
function signatureHash(keyType: string, sigAlgorithm: string): string | null {
  if (keyType === 'ssh-ed25519') return sigAlgorithm === 'ssh-ed25519' ? '' : null;
  if (keyType === 'ssh-rsa') return sigAlgorithm === 'rsa-sha2-512' ? 'sha512' : sigAlgorithm === 'rsa-sha2-256' ? 'sha256' : null;
  return sigAlgorithm === keyType ? CURVES[keyType]!.hash : null;
}

/**
 * Checks an SSH signature blob (`string algorithm, string signature`) over `data`.
 * Returns null when it holds, else what is wrong.
 */
export function verifySshSignature(key: SshPublicKey, data: Buffer, signatureBlob: Buffer): string | null {
  let algorithm: string;
  let raw: Buffer;
  try {
    const r = new WireReader(signatureBlob);
    algorithm = r.text();
    raw = r.string();
    if (!r.done()) return 'the signature has trailing bytes';
  } catch {
    return 'the signature is truncated';
  }
  const hash = signatureHash(key.type, algorithm);
  if (hash === null) return `a ${key.type} key cannot make a ${algorithm} signature here`;
  try {
    if (key.type === 'ssh-ed25519') return cryptoVerify(null, data, key.key, raw) ? null : 'the signature does not match';
    if (key.type === 'ssh-rsa') return cryptoVerify(hash, data, key.key, raw) ? null : 'the signature does not match';
    const { size } = CURVES[key.type]!;
    const r = new WireReader(raw);
    const p1363 = Buffer.concat([unsignedFixed(r.string(), size), unsignedFixed(r.string(), size)]);
    return cryptoVerify(hash, data, { key: key.key, dsaEncoding: 'ieee-p1363' }, p1363) ? null : 'the signature does not match';
  } catch {
    return 'the signature is malformed';
  }
}

function strip(mpint: Buffer): Buffer {
  let i = 0;
  while (i < mpint.length - 1 && mpint[i] === 0) i++;
  return mpint.subarray(i);
}

function bitLength(unsigned: Buffer): number {
  if (unsigned.length === 0 || (unsigned.length === 1 && unsigned[0] === 0)) return 0;
  return (unsigned.length - 1) * 8 + (32 - Math.clz32(unsigned[0]!));
}

/**
 * The y-coordinates (sign bit cleared) of Ed25519's points of order 1, 2, 4 and 8, and their
 * non-canonical encodings (p, p + 1), as libsodium blocks them: with such a "public key"
 * the equation a verifier checks holds for a signature made without any private key.
 */
const SMALL_ORDER_Y = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
];

function smallOrder(raw: Buffer): boolean {
  const y = Buffer.from(raw);
  y[31] = y[31]! & 0x7f;
  return SMALL_ORDER_Y.includes(y.toString('hex'));
}
