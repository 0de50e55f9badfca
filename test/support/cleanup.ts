/**
 * Setup file of every test file (vitest.config.ts): removes the temporary folders the file
 * made with `tempDir()` once all its tests and their own `afterAll` hooks have run (hooks run
 * in reverse order of registration, and this one is registered first).
 */
import { rmSync } from 'node:fs'
import { afterAll } from 'vitest'
import { madeTempDirs } from './cli.ts'

afterAll(() => {
  for (const dir of madeTempDirs().splice(0)) rmSync(dir, { recursive: true, force: true })
})
