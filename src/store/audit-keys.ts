// The Ed25519 key pair that signs audit checkpoints, kept in DATA_DIR/keys/ as PEM files.
// The private key never leaves this folder (0700, file 0600). Nothing here decides whether a
// key may be created: the audit chain does (src/store/audit-chain.ts), because a new key is
// only harmless while no checkpoint or recorded key could be checked against the old one.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError, errorCode, firstLine } from './store-error.js';

export const PRIVATE_KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

/** The signing (private) key of `keysDir`; undefined when there is none. */
export function readSigningKey(keysDir: string): KeyObject | undefined {
  return readKey(join(keysDir, PRIVATE_KEY_FILE), createPrivateKey);
}

/**
 * Creates the signing key of `keysDir` (race-free between processes) and returns it; returns
 * the existing one when another process made it first.
 */
export function createSigningKey(keysDir: string): KeyObject {
  const path = join(keysDir, PRIVATE_KEY_FILE);
  try {
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const tmp = `${path}.${process.pid}.tmp`;
    writeDurably(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    try {
      // link() fails when the file exists: of two processes creating a key at once, the
      // first wins and the second uses its key, so no checkpoint is signed by a lost key.
      linkSync(tmp, path);
      writeDurably(join(keysDir, PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
      syncDir(keysDir);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    } finally {
      unlinkSync(tmp);
    }
  } catch (error) {
    throw new StoreError(
      `Could not create the audit signing key in ${keysDir} (${firstLine(error)}). The event was not recorded. ` +
        'Check that the data directory is writable by you, then try again.',
      { cause: error },
    );
  }
  const created = readKey(path, createPrivateKey);
  if (!created) throw new StoreError(`The audit signing key ${path} vanished right after it was created; try again.`);
  return created;
}

/** The public key to verify with: derived from the private key, else from the .pub file. */
export function readPublicKey(keysDir: string): KeyObject | undefined {
  const privateKey = readKey(join(keysDir, PRIVATE_KEY_FILE), createPrivateKey);
  return privateKey ? createPublicKey(privateKey) : readKey(join(keysDir, PUBLIC_KEY_FILE), createPublicKey);
}

function readKey(path: string, parse: (pem: string) => KeyObject): KeyObject | undefined {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StoreError(`Could not read the audit key ${path} (${firstLine(error)}). Check its permissions; it must be readable by you only.`, { cause: error });
  }
  try {
    return parse(pem);
  } catch (error) {
    throw new StoreError(
      `The audit key ${path} is damaged (${firstLine(error)}). Restore it from a backup; do not delete it, ` +
        'or every checkpoint it signed can no longer be checked.',
      { cause: error },
    );
  }
}

function writeDurably(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
