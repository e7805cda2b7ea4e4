import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One project per suite, so each runs on its own (`npm run test:unit`, `test:integration`,
// `test:faults`, `test:e2e`) and `vitest run` runs them all. Unit tests import src/ and touch
// no process, service or network; everything that spawns the CLI, a shell, sshd, PostgreSQL,
// a server or a browser is integration, faults or e2e. Those run the compiled dist/, so their
// globalSetup compiles it first when src/ is newer (test/support/dist-build.ts).
const dist = './test/support/dist-build.ts';

export default defineConfig({
  test: {
    environment: 'node',
    // Integration tests start real services (sshd, PostgreSQL, the HTTP server); the hooks
    // that start them get the same allowance as the tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A focused test (`.only`) would silently drop every other test; fail the run instead,
    // locally as well as in CI (Vitest's default only does so when CI is set).
    allowOnly: false,
    // At least two test files at a time. Vitest's default (one per core, less one) is a single
    // file at a time on a two-core machine, where the integration files mostly wait on the
    // processes they spawn (the CLI, sh, sshd, PostgreSQL) rather than use the core: two at a
    // time took the slowest integration files from 103 s to 57 s there. Every file works in
    // its own temporary folders with its own free ports, so files do not share state.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: [dist] } },
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], globalSetup: [dist] } },
      // The console the specs drive runs dist/ and serves renderer/dist: both are rebuilt when stale.
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['./test/e2e/support/builds.ts'] } },
    ],
  },
});
