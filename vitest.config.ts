import { defineConfig } from 'vitest/config';

// CI sets LIDTRACK_VITEST_JSON so that .ci/run can print "N passed, N failed" from the JSON report.
const jsonOut = process.env.LIDTRACK_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: jsonOut ? ['default', 'json'] : ['default'],
    outputFile: jsonOut ? { json: jsonOut } : undefined,
  },
});
