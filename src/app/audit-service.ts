// `audit verify` and `audit key`: the audit trail's use cases. Verification only reads; it
// trusts the key in DATA_DIR/keys, never anything stored in the database being checked.
import { join } from 'node:path';
import { keyFingerprint } from '../core/audit/checkpoint.js';
import type { VerifyResult } from '../core/audit/verify-chain.js';
import { loadOrCreateSigningKey, readPublicKey } from '../store/audit-keys.js';
import { openAppDatabase, type AppDatabase } from '../store/open-database.js';
import { RunStore } from '../store/run-store.js';
import { UserError } from './errors.js';
import type { Settings } from './settings.js';

export interface AuditVerification extends VerifyResult {
  /** The fingerprint of the key the checkpoints were checked against; null when there is none. */
  keyFingerprint: string | null;
}

export class AuditService {
  private readonly db: AppDatabase;
  private readonly store: RunStore;
  private readonly keysDir: string;

  constructor(readonly settings: Settings) {
    this.keysDir = join(settings.dataDir, 'keys');
    this.db = operatorFacing(() => openAppDatabase(settings.dataDir));
    this.store = new RunStore(this.db.db, { keysDir: this.keysDir });
  }

  close(): void {
    this.db.close();
  }

  /** Recomputes the whole chain and checks every checkpoint. */
  verify(): AuditVerification {
    const publicKey = operatorFacing(() => readPublicKey(this.keysDir));
    const result = this.store.audit.verify(publicKey);
    return { ...result, keyFingerprint: publicKey ? keyFingerprint(publicKey) : null };
  }

  /** The public key's fingerprint, creating the key pair if this data directory has none yet. */
  keyFingerprint(): { fingerprint: string; keysDir: string } {
    const key = operatorFacing(() => loadOrCreateSigningKey(this.keysDir));
    return { fingerprint: keyFingerprint(key), keysDir: this.keysDir };
  }
}

/** The store's messages are written for the operator already (what, where, what next). */
function operatorFacing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error), 1);
  }
}
