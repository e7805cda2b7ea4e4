// `audit verify` and `audit key`: the audit trail's use cases. Verification only reads; it
// trusts the key in DATA_DIR/keys, never anything stored in the database being checked.
import { join } from 'node:path';
import { keyFingerprint } from '../core/audit/checkpoint.js';
import type { AuditProblem, VerifyResult } from '../core/audit/verify-chain.js';
import { readPublicKey } from '../store/audit-keys.js';
import { runEventsOfKind } from '../store/audit-search.js';
import type { AppDatabase } from '../store/open-database.js';
import { describeStorageFault, storageFaultKind } from '../store/storage-fault.js';
import { ContextService } from './app-context.js';
import { UserError } from './errors.js';
import { operatorBody } from './settings.js';

export interface AuditVerification extends VerifyResult {
  /** The fingerprint of the key the checkpoints were checked against; null when there is none. */
  keyFingerprint: string | null;
  /** Breaks a lead has acknowledged (`audit acknowledge`), oldest first. */
  acknowledgements: Acknowledgement[];
  /** Why an intact check could not be recorded in the trail (the data folder's disk is full); absent when it was. */
  notRecorded?: string;
}

export interface Acknowledgement {
  seq: number;
  at: string;
  operator: string;
  note: string;
}

function acknowledgements(db: AppDatabase['db']): Acknowledgement[] {
  return runEventsOfKind(db, null, 'audit.acknowledged').map((e) => ({ seq: e.seq, at: e.at, operator: e.operator, note: String((e.body as { note?: unknown } | null)?.note ?? '') }));
}

export class AuditService extends ContextService {
  private readonly db = this.context.db;
  private readonly store = this.context.store;
  private readonly keysDir = join(this.settings.dataDir, 'keys');

  /** The data folder's database, for the checks that read it beside the chain (the team ledger's comparison). */
  get database(): AppDatabase['db'] {
    return this.db;
  }

  /**
   * Recomputes the whole chain and checks every checkpoint. An intact check is recorded in the
   * chain (who checked, up to which event); a broken chain is left exactly as found, so the
   * evidence is not buried under new events.
   */
  async verify(elsewhere: readonly AuditProblem[] = []): Promise<AuditVerification> {
    const publicKey = operatorFacing(() => readPublicKey(this.keysDir));
    const checked = await this.store.audit.verifyInParallel(publicKey);
    // Problems found by comparing with the team ledger's copy count as the chain's own.
    const problems = [...checked.problems, ...elsewhere].sort((a, b) => a.seq - b.seq);
    const result = { ...checked, ok: problems.length === 0, problems };
    const fingerprint = publicKey ? keyFingerprint(publicKey) : null;
    let notRecorded: string | undefined;
    if (result.ok) {
      try {
        if (this.context.database.fullDisk !== undefined) throw this.context.database.fullDisk;
        this.store.appendEvent({ operator: this.settings.operator, kind: 'audit.verified', runId: null,
          body: { events: result.events, checkpoints: result.checkpoints, head: result.head, keyFingerprint: fingerprint } });
      } catch (error) {
        // The check itself read everything; only its record in the trail needs room.
        if (storageFaultKind(error, this.settings.dataDir) !== 'full') throw error;
        notRecorded = `this check was not recorded in the trail: ${describeStorageFault(error, this.settings.dataDir)}`;
      }
    }
    return { ...result, keyFingerprint: fingerprint, acknowledgements: acknowledgements(this.db), ...(notRecorded ? { notRecorded } : {}) };
  }

  /**
   * A lead's recorded decision to carry on with a chain known to be broken: the problems and
   * the note go into the chain, and a new checkpoint is signed over it, so the start-up check
   * (which reads from the last checkpoint) lets mutating steps run again. `audit verify` still
   * names the original break, forever, and lists the acknowledgement beside it.
   */
  acknowledge(note: string): { seq: number; problems: number } {
    if (note.trim() === '') throw new UserError('--note must say what was found and why it is safe to go on; nothing was recorded');
    const result = this.store.audit.verify(operatorFacing(() => readPublicKey(this.keysDir)));
    if (result.ok) throw new UserError('the audit trail is intact; there is nothing to acknowledge and nothing was recorded');
    // With keys/ gone the checkpoint is refused (a new key is never made for a signed trail),
    // and the acknowledgement with it: nothing an acknowledgement could sign would be checkable.
    const seq = operatorFacing(() => this.store.atomically(() => {
      const recorded = this.store.appendEvent({ operator: this.settings.operator, kind: 'audit.acknowledged', runId: null,
        body: { note: note.trim(), events: result.events, problems: result.problems.slice(0, 20), ...operatorBody(this.settings) } });
      this.store.audit.checkpoint(this.settings.operator);
      return recorded;
    }));
    return { seq, problems: result.problems.length };
  }

  /**
   * The public key's fingerprint. A data directory whose trail was never signed gets its key
   * now (recorded in the chain); one whose key is missing after it signed is refused, with
   * what to do (see AuditChain.signingKey).
   */
  keyFingerprint(): { fingerprint: string; keysDir: string } {
    const key = operatorFacing(() => this.store.audit.signingKey(this.settings.operator));
    return { fingerprint: keyFingerprint(key), keysDir: this.keysDir };
  }
}

/** The store's messages are written for the operator already (what, where, what next). */
export function operatorFacing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error), 1);
  }
}
