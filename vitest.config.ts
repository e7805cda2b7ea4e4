import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/faults/**/*.test.ts'],
    environment: 'node',
    // Integration tests start real services (sshd, PostgreSQL, the HTTP server); the hooks
    // that start them get the same allowance as the tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A focused test (`.only`) would silently drop every other test; fail the run instead,
    // locally as well as in CI (Vitest's default only does so when CI is set).
    allowOnly: false,
  },
});
