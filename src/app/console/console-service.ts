// SKELETON (being filled in): the API contract (src/contract/api.ts) implemented once, for
// both consoles. Electron's IPC binding and `handrail serve` call only this.
import type { ApiParsedRequest, ApiResponse, ConsoleApi, ConsoleEvent } from '../../contract/api.js';
import type { Settings } from '../settings.js';

export type ConsoleListener = (event: ConsoleEvent) => void;

export class ConsoleService implements ConsoleApi {
  private readonly listeners = new Set<ConsoleListener>();

  constructor(readonly settings: Settings) {}

  /** Every console event from now on; returns the unsubscribe function. */
  subscribe(listener: ConsoleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Aborts live runs (they become interrupted, resumable) and closes the database. */
  async close(): Promise<void> {}

  async appInfo(_r: ApiParsedRequest<'appInfo'>): Promise<ApiResponse<'appInfo'>> { throw new Error('not implemented yet'); }
  async listRunbooks(_r: ApiParsedRequest<'listRunbooks'>): Promise<ApiResponse<'listRunbooks'>> { throw new Error('not implemented yet'); }
  async getRunbook(_r: ApiParsedRequest<'getRunbook'>): Promise<ApiResponse<'getRunbook'>> { throw new Error('not implemented yet'); }
  async listEnvironments(_r: ApiParsedRequest<'listEnvironments'>): Promise<ApiResponse<'listEnvironments'>> { throw new Error('not implemented yet'); }
  async startRun(_r: ApiParsedRequest<'startRun'>): Promise<ApiResponse<'startRun'>> { throw new Error('not implemented yet'); }
  async resumeRun(_r: ApiParsedRequest<'resumeRun'>): Promise<ApiResponse<'resumeRun'>> { throw new Error('not implemented yet'); }
  async decide(_r: ApiParsedRequest<'decide'>): Promise<ApiResponse<'decide'>> { throw new Error('not implemented yet'); }
  async abortRun(_r: ApiParsedRequest<'abortRun'>): Promise<ApiResponse<'abortRun'>> { throw new Error('not implemented yet'); }
  async listRuns(_r: ApiParsedRequest<'listRuns'>): Promise<ApiResponse<'listRuns'>> { throw new Error('not implemented yet'); }
  async getRun(_r: ApiParsedRequest<'getRun'>): Promise<ApiResponse<'getRun'>> { throw new Error('not implemented yet'); }
  async getOutput(_r: ApiParsedRequest<'getOutput'>): Promise<ApiResponse<'getOutput'>> { throw new Error('not implemented yet'); }
  async listSnapshots(_r: ApiParsedRequest<'listSnapshots'>): Promise<ApiResponse<'listSnapshots'>> { throw new Error('not implemented yet'); }
  async restoreSnapshot(_r: ApiParsedRequest<'restoreSnapshot'>): Promise<ApiResponse<'restoreSnapshot'>> { throw new Error('not implemented yet'); }
  async verifyAudit(_r: ApiParsedRequest<'verifyAudit'>): Promise<ApiResponse<'verifyAudit'>> { throw new Error('not implemented yet'); }
  async searchAudit(_r: ApiParsedRequest<'searchAudit'>): Promise<ApiResponse<'searchAudit'>> { throw new Error('not implemented yet'); }
  async exportAudit(_r: ApiParsedRequest<'exportAudit'>): Promise<ApiResponse<'exportAudit'>> { throw new Error('not implemented yet'); }
  async reviewRun(_r: ApiParsedRequest<'reviewRun'>): Promise<ApiResponse<'reviewRun'>> { throw new Error('not implemented yet'); }
}
