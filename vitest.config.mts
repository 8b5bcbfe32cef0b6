import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/long-first-sequencer.mjs';

export default defineConfig({
  test: {
    setupFiles: ['test/setup-runtime.ts'],
    // Temporal workers use native threads; forked processes isolate them best.
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: LongFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        // Pure functions, workflows on the time-skipping test server, activities against loopback
        // receivers: no service, no dev server (`npm run test:unit`).
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['test/unit/global-setup.ts'],
          // Nothing here mocks a module or changes the environment: files run one after another in
          // a shared worker process, and load the Temporal SDK's native runtime and the service's
          // modules once per process instead of once per file. (The sequencer keeps them together.)
          isolate: false,
        },
      },
      {
        extends: true,
        // The whole service against a real Temporal dev server (`npm run test:e2e`).
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          // As in the unit tier: each file starts a service of its own and stops it, and nothing
          // mocks a module, so files share worker processes. Loading the SDK, Express and the
          // service's modules once per file cost half of this tier's CPU time.
          isolate: false,
          // Concurrent tests here (cli.test.ts) spend their time waiting on deliveries and retry
          // timers, not on the CPU: more of them at once than vitest's default 5.
          maxConcurrency: 12,
        },
      },
      // What only a cluster of separate processes can show, against the one `npm run test:cluster`
      // starts (it sets SIGNAL_PUSH_TEST_CLUSTER_DIR); never part of `npm test`.
      ...(process.env.SIGNAL_PUSH_TEST_CLUSTER_DIR
        ? [
            {
              extends: true,
              test: {
                name: 'cluster',
                include: ['test/cluster/**/*.test.ts'],
                globalSetup: ['test/e2e/global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
