// The consoles' runbookHistory and runbookDiff: the same lookups as `handrail history` and
// `handrail diff`, by runbook id only (a console never reads a path elsewhere on this machine).
import type { ApiParsedRequest, ApiResponse } from '../../contract/api.js';
import { NAME_PATTERN } from '../../contract/runbook.js';
import { UserError } from '../errors.js';
import { runbookDiff, runbookHistory } from '../runbook-history.js';
import type { RunbookVersions } from '../runbook-versions.js';
import type { Settings } from '../settings.js';
import { NotFoundError } from './api-error.js';

export async function historyOp(versions: RunbookVersions, settings: Settings, r: ApiParsedRequest<'runbookHistory'>): Promise<ApiResponse<'runbookHistory'>> {
  const found = await notFound(() => runbookHistory(versions, settings, requireId(r.id), settings.workspace));
  return { versions: found.versions };
}

/** `from` and `to`: a version, a SHA-256 prefix, or `workspace` (the file as it is now). */
export async function diffOp(versions: RunbookVersions, settings: Settings, r: ApiParsedRequest<'runbookDiff'>): Promise<ApiResponse<'runbookDiff'>> {
  const diff = await notFound(() => runbookDiff(versions, settings, requireId(r.id), r.from, r.to, settings.workspace));
  return { from: diff.from, to: diff.to, unified: diff.unified };
}

function requireId(id: string): string {
  if (!new RegExp(NAME_PATTERN).test(id)) throw new NotFoundError(`'${id}' is not a runbook id (ids are lowercase letters, digits and hyphens); nothing was shown`);
  return id;
}

/** Every refusal here means the runbook or version asked for does not exist. */
async function notFound<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UserError && !(error instanceof NotFoundError)) throw new NotFoundError(error.message);
    throw error;
  }
}
