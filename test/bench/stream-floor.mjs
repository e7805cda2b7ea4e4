// The streaming floor: nothing Handrail-specific, only what every acknowledged chunk needs. It
// runs the step's command, reads its pipe, hashes each chunk with SHA-256 (what the audit chain
// needs of it), appends it to a file uncompressed and fsyncs every 250 ms or 4 MiB (Handrail's
// commit rhythm). Handrail's figure beside this one is what the engine adds on top.
// Usage: node stream-floor.mjs COMMAND OUTPUT-FILE
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

const [command, output] = process.argv.slice(2);
const fd = openSync(output, 'w', 0o600);
const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
let unsynced = 0;
let last = performance.now();
child.stdout.on('data', (chunk) => {
  createHash('sha256').update(chunk).digest();
  writeSync(fd, chunk);
  unsynced += chunk.length;
  const now = performance.now();
  if (unsynced >= 4 << 20 || now - last >= 250) {
    fsyncSync(fd);
    unsynced = 0;
    last = now;
  }
});
child.on('close', (code) => {
  fsyncSync(fd);
  closeSync(fd);
  process.exitCode = code ?? 1;
});
