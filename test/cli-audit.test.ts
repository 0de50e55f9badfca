import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { type AuditInput, GENESIS_HASH } from '../src/command/audit-chain.ts'
import type { EpochMs } from '../src/core/brand.ts'
import type { UserId } from '../src/core/ids.ts'
import { openStore } from '../src/store/index.ts'
import { freshet, tempDir } from './support/cli.ts'

const input = (i: number): AuditInput => ({
  at: (Date.UTC(2025, 6, 1) + i * 60_000) as EpochMs,
  actor: 'duty.cn.p01' as UserId,
  kind: 'order.received',
  subject: `cn.hq.order.${i % 3}`,
  payload: { post: `cn.p01.c${String(i).padStart(3, '0')}`, quantity: i },
})

/** A SQLite database holding a chain of `n` entries; returns its path and last hash. */
async function chain(n: number): Promise<{ db: string; lastHash: string }> {
  const db = join(tempDir(), 'audit.db')
  const store = await openStore(db)
  const entries = await store.commandAudit.append(Array.from({ length: n }, (_, i) => input(i)))
  await store.close()
  return { db, lastHash: entries[entries.length - 1]?.hash ?? GENESIS_HASH }
}

/** Runs raw SQL on the file, as someone editing it behind Freshet's back would. */
function tamper(db: string, statement: string): void {
  const raw = new Database(db)
  try {
    expect(raw.prepare(statement).run().changes).toBe(1)
  } finally {
    raw.close()
  }
}

describe('freshet audit verify', () => {
  it('verifies an intact chain page by page, from FRESHET_DB or --db', async () => {
    const { db, lastHash } = await chain(25)
    const viaEnv = freshet(['audit', 'verify', '--page-size', '4'], undefined, { FRESHET_DB: db })
    expect(viaEnv.status).toBe(0)
    expect(viaEnv.stdout).toBe(`audit chain: 25 entries verified, last hash ${lastHash}\n`)
    const viaOption = freshet(['audit', 'verify', '--db', db])
    expect(viaOption.status).toBe(0)
    expect(viaOption.stdout).toContain('25 entries verified')
  })

  it('names the entry whose payload was changed in the file, and exits 1', async () => {
    const { db } = await chain(25)
    tamper(
      db,
      `update command_audit set payload = replace(payload, '"quantity":16', '"quantity":160') where seq = 17`,
    )
    for (const pageSize of ['4', '10000']) {
      const r = freshet(['audit', 'verify', '--page-size', pageSize], undefined, { FRESHET_DB: db })
      expect(r.status).toBe(1)
      expect(r.stdout).toMatch(/^audit chain broken at entry 17: hash mismatch/)
    }
  })

  it('names a deleted entry as a gap', async () => {
    const { db } = await chain(10)
    tamper(db, 'delete from command_audit where seq = 4')
    const r = freshet(['audit', 'verify'], undefined, { FRESHET_DB: db })
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^audit chain broken at entry 4: seq gap/)
  })

  it('verifies an empty chain, and refuses a missing database or a bad page size with status 2', async () => {
    const { db } = await chain(0)
    const empty = freshet(['audit', 'verify', '--db', db])
    expect(empty.status).toBe(0)
    expect(empty.stdout).toMatch(/^audit chain: 0 entries verified, last hash 0{64}\n$/)
    const missing = freshet(['audit', 'verify', '--db', join(tempDir(), 'none.db')])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/no database at .*none\.db/)
    const bad = freshet(['audit', 'verify', '--db', db, '--page-size', '0'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--page-size/)
  })
})
