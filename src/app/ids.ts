import { randomBytes } from 'node:crypto';

/** Sortable and short enough to type: 20261122-213812-9f3a1c (runs), s-20261122-213812-9f3a1c (snapshots). */
export function newId(prefix = ''): string {
  const now = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${prefix}${now}-${randomBytes(3).toString('hex')}`;
}
