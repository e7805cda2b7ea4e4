// The recorder's operations as the consoles call them: requests already parsed by the
// contract, files named relative to the workspace, live output pushed as
// `recording-output` events. The recorder itself is src/app/recorder.
import { relative, resolve } from 'node:path';
import type { ApiParsedRequest, ApiResponse, ConsoleEvent } from '../../contract/api.js';
import type { RecorderService } from '../recorder/recorder-service.js';
import type { RunbookVersions } from '../runbook-versions.js';
import type { Settings } from '../settings.js';
import type { NewEvent } from '../../store/new-records.js';

export interface RecordingOpsPorts {
  appendEvent(event: NewEvent): void;
  versions: RunbookVersions;
  emit(event: ConsoleEvent): void;
}

export class RecordingOps {
  /** Made on first use: the recorder brings the shell and SQL parsers, which the console's first screen must not wait for. */
  private made: Promise<RecorderService> | undefined;

  constructor(
    private readonly settings: Settings,
    private readonly ports: RecordingOpsPorts,
  ) {}

  private recorder(): Promise<RecorderService> {
    const { ports } = this;
    this.made ??= import('../recorder/recorder-service.js').then(
      ({ RecorderService }) =>
        new RecorderService(this.settings, {
          audit: (event) => ports.appendEvent(event),
          versions: ports.versions,
          onOutput: (draftId, stream, text) => ports.emit({ type: 'recording-output', draftId, stream, text }),
        }),
    );
    return this.made;
  }

  async start(r: ApiParsedRequest<'startRecording'>): Promise<ApiResponse<'startRecording'>> {
    return { draft: await (await this.recorder()).start(r) };
  }

  async list(): Promise<ApiResponse<'listRecordings'>> {
    return { recordings: await (await this.recorder()).list() };
  }

  async record(r: ApiParsedRequest<'recordCommand'>): Promise<ApiResponse<'recordCommand'>> {
    const recorded = await (await this.recorder()).record(r.draftId, r.command, { runDestructive: r.runDestructive });
    return { draft: recorded.draft, ...(recorded.held ? { held: recorded.held } : {}) };
  }

  async stop(r: ApiParsedRequest<'stopRecordingCommand'>): Promise<ApiResponse<'stopRecordingCommand'>> {
    await (await this.recorder()).stop(r.draftId);
    return { ok: true };
  }

  async update(r: ApiParsedRequest<'updateRecording'>): Promise<ApiResponse<'updateRecording'>> {
    return { draft: await (await this.recorder()).update(r.draftId, { title: r.title, steps: r.steps }) };
  }

  async get(r: ApiParsedRequest<'getRecording'>): Promise<ApiResponse<'getRecording'>> {
    return { draft: await (await this.recorder()).get(r.draftId) };
  }

  async save(r: ApiParsedRequest<'saveRecording'>): Promise<ApiResponse<'saveRecording'>> {
    // The contract's file name pattern allows no `..` and no leading `/`: this stays in the workspace.
    const workspace = this.settings.workspace;
    const saved = await (await this.recorder()).save(r.draftId, { path: resolve(workspace, r.path), acknowledged: r.acknowledged, cwd: workspace });
    return { path: relative(workspace, saved.path), id: saved.id, problems: saved.problems };
  }

  /** Nothing to stop when no recording was ever opened here. */
  async close(): Promise<void> {
    if (this.made) await (await this.made).close();
  }
}
