// The preload exposes one named function per contract operation, and its bundle can run in
// Electron's sandbox (which lets a preload require only `electron` and a few built-ins).
import { describe, expect, it } from 'vitest';
import { API_NAMES } from '../../src/contract/api.js';
import { PRELOAD_OPERATIONS, channelOf } from '../../src/electron/preload-operations.js';
import { bundlePreload } from '../../scripts/preload-bundle.mjs';

describe('the preload', () => {
  it('lists exactly the operations of the contract, each once', () => {
    expect([...PRELOAD_OPERATIONS].sort()).toEqual([...API_NAMES].sort());
    expect(new Set(PRELOAD_OPERATIONS).size).toBe(PRELOAD_OPERATIONS.length);
  });

  it('gives every operation its own channel', () => {
    expect(new Set(API_NAMES.map(channelOf)).size).toBe(API_NAMES.length);
    expect(channelOf('startRun')).toBe('handrail:startRun');
  });

  it('bundles into one CommonJS file that requires nothing but electron and has no generic invoke', async () => {
    const text = await bundlePreload({ write: false });
    const required = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(text).not.toMatch(/^\s*(import|export)\s/m);
    // Renderer code may only reach the named functions; ipcRenderer itself never crosses the bridge.
    expect(text).toMatch(/exposeInMainWorld\("handrail"/);
    expect(text).not.toMatch(/\binvoke\s*:/);
    for (const operation of API_NAMES) expect(text).toContain(`"${operation}"`);
  });
});
