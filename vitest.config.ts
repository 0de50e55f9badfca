import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Removes each file's temporary folders after it.
    setupFiles: ['test/support/cleanup.ts'],
    // Many test files wait on child processes, servers and databases: at least two run at once
    // even on a two-core machine.
    maxWorkers: Math.max(2, availableParallelism()),
  },
})
