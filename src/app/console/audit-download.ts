// An audit export for a console to download: the same bytes `handrail audit export` writes
// (and records in the chain), gathered into a string with a file name and media type.
import { Writable } from 'node:stream';
import type { ApiResponse } from '../../contract/api.js';
import type { AuditExportService, ExportFormat } from '../audit-export-service.js';

const MEDIA_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export async function exportForDownload(service: AuditExportService, format: ExportFormat, runId: string | undefined): Promise<ApiResponse<'exportAudit'>> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await service.export({ format, run: runId, destination: 'console download' }, sink);
  const day = new Date().toISOString().slice(0, 10);
  return {
    fileName: `handrail-${runId === undefined ? 'audit' : `run-${runId}`}-${day}.${format}`,
    mediaType: MEDIA_TYPES[format],
    content: Buffer.concat(chunks).toString('utf8'),
  };
}
