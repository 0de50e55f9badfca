/** Runs the `freshet` command as a user would, capturing its output and exit status. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openStore, type Store } from '../../src/store/index.ts'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = join(ROOT, 'bin', 'freshet.js')

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `freshet args…` in `cwd` (default: the repository root), with `env` added. */
export function freshet(
  args: readonly string[],
  cwd = ROOT,
  env: Record<string, string> = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * Folders made by {@link tempDir} in this test file, removed after it (test/support/cleanup.ts,
 * a setup file of every test file). Kept on `globalThis` so the setup file and the test file
 * see the same list whichever copy of this module they load.
 */
export function madeTempDirs(): string[] {
  const g = globalThis as { freshetTempDirs?: string[] }
  return (g.freshetTempDirs ??= [])
}

/** A fresh temporary folder, removed once the test file has run. */
export const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-test-'))
  madeTempDirs().push(dir)
  return dir
}

/** Writes `files` (name → content; objects become JSON) into a fresh folder and returns it. */
export function tempFiles(files: Record<string, string | object>): string {
  const dir = tempDir()
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return dir
}

/** Opens the store at `db` (a SQLite file or a PostgreSQL URL), runs `fn` on it, closes it. */
export async function withStore<T>(db: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** The first 1,000 entries of the command audit chain of `db`. */
export const auditOf = (db: string) =>
  withStore(db, async (store) => [...(await store.commandAudit.page(0, 1000))])
