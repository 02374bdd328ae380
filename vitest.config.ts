import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '**/*.soak.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Cluster tests spawn real processes and bind ports: run files one at a time on a 2-core box.
    fileParallelism: false,
    pool: 'forks',
  },
});
