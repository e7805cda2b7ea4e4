// Builds the React UI into renderer/dist, which `handrail serve` and the Electron shell
// serve as static files. Relative asset paths (base './') so the same build loads from
// http://127.0.0.1:PORT/ and from a file or custom-protocol URL in Electron; hash routing
// means no route ever needs the server's help.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The console runs offline on bastion hosts: one self-contained bundle, no CDN.
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
    // CSP forbids inline scripts; Vite's modulepreload polyfill is injected as code in
    // the entry chunk, but it is not needed by the Chromium the console targets.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
});
