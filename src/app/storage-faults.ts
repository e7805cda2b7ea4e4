// Faults of the disk under the data folder, worded for the operator. The store finds them
// (storage-fault.ts); here each entry point says what it had done when one struck.
import { describeStorageFault, storageAdvice, storageFaultKind } from '../store/storage-fault.js';
import { UserError } from './errors.js';

export function isStorageFault(error: unknown, dataDir: string): boolean {
  return storageFaultKind(error, dataDir) !== undefined;
}

/**
 * The fault, what was done (`done`: a sentence the caller has checked), and what to do.
 * Exit code 1: it failed, it was not refused.
 */
export function storageFaultError(error: unknown, dataDir: string, done: string): UserError {
  const fault = describeStorageFault(error, dataDir);
  return new UserError(`${fault[0]?.toUpperCase() ?? ''}${fault.slice(1)}. ${done} ${storageAdvice(dataDir)}.`, 1);
}

/** A storage fault becomes the named error; anything else is passed on untouched. */
export function nameStorageFault(error: unknown, dataDir: string, done: string): unknown {
  return error instanceof UserError || !isStorageFault(error, dataDir) ? error : storageFaultError(error, dataDir, done);
}
