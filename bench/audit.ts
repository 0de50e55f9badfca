/**
 * Audit chain verification speed, side by side with a reference measured in the same run.
 *
 * The headline is verification as `freshet audit verify` does it: the chain written into a
 * temporary SQLite file, then read back page by page through the store's `commandAudit`
 * repository into a `ChainVerifier` (src/cli/audit-verify.ts, the command's own code path).
 * The same verification on entries held in memory is printed beside it, as the reference.
 *
 * N chained entries (default 1,000,000; `AUDIT_N` to change) of command and logistics events
 * with realistic payloads (orders issued, answered and escalated, incidents, situation reports,
 * dispatches; 150–300 bytes each), built with `chainEntry` from a seeded generator, then:
 *
 * 1. reference: SHA-256 (node:crypto) of the same canonical bytes, already serialized into one
 *    buffer — the floor, since verifying must at least hash every entry;
 * 2. Freshet's `ChainVerifier.push` over the entries in batches of 10,000, as the store will
 *    stream pages;
 * 3. the same through `verifyChain` on an async source of the batches;
 * 4. the entries written into a temporary SQLite file (raw prepared inserts in one transaction:
 *    the time to write is printed, not the headline), then verified from the store in pages of
 *    10,000, as `freshet audit verify` does.
 *
 * Ends with `audit_verify_memory_1m_s=…` (3's ChainVerifier.push, in memory) and
 * `audit_verify_1m_s=…` (4, from the store): times scaled to 1,000,000 entries.
 */
import { hash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { EpochMs } from '../src/core/brand.ts'
import type { UserId } from '../src/core/ids.ts'
import { seededRng } from '../src/core/rng.ts'
import type { AuditInput, ChainEntry, JsonValue } from '../src/command/audit-chain.ts'
import { verifyStoredChain } from '../src/cli/audit-verify.ts'
import { openStore } from '../src/store/index.ts'
import {
  ChainVerifier,
  canonicalJson,
  chainEntry,
  verifyChain,
} from '../src/command/audit-chain.ts'

const N = Number(process.env['AUDIT_N'] ?? 1_000_000)
const BATCH = 10_000
const T0 = Date.UTC(2025, 6, 1)

// --- the data --------------------------------------------------------------------------------
const rng = seededRng(2025)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!
const int = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1))
const county = (): string =>
  `cn.p${String(int(1, 31)).padStart(2, '0')}.c${String(int(1, 102)).padStart(3, '0')}`
const users = Array.from(
  { length: 400 },
  (_, i) => `officer.${String(i).padStart(4, '0')}` as UserId,
)
const items = ['sandbags', 'pumps', 'life-jackets', 'tents', 'drinking-water', 'boats'] as const

function input(i: number): AuditInput {
  const at = (T0 + i * 250) as EpochMs
  const orderId = `cn.hq.order.${int(1, 400)}`
  const u = Math.floor(rng.next() * 8)
  const actor = pick(users)
  let kind: string
  let subject: string
  let payload: JsonValue
  switch (u) {
    case 0:
    case 1:
    case 2: {
      kind = pick(['order.received', 'order.accepted'])
      subject = orderId
      payload = {
        orderId,
        post: county(),
        at,
        by: actor,
        via: pick(['web', 'sms', 'phone']),
        contact: `+86 27 ${int(1000, 9999)} ${int(1000, 9999)}`,
        note: pick(['', 'duty officer on site', 'relayed by the township office']),
      }
      break
    }
    case 3:
      kind = 'order.completed'
      subject = orderId
      payload = {
        orderId,
        post: county(),
        at,
        by: actor,
        report: `${int(2, 40)} teams deployed, ${int(100, 9000)} sandbags placed on the embankment`,
      }
      break
    case 4:
      kind = 'order.escalated'
      subject = orderId
      payload = {
        orderId,
        post: county(),
        deadline: pick(['ack', 'completion']),
        superiorsNotified: [`cn.p${String(int(1, 31)).padStart(2, '0')}`, `cn.basin.b${int(1, 8)}`],
        at,
        renotified: pick(['sms', 'phone', 'web']),
        message: 'no acknowledgment by the deadline',
      }
      break
    case 5:
      kind = 'sitrep.filed'
      subject = `sitrep.${i}`
      payload = {
        post: county(),
        figures: {
          affectedPopulation: int(0, 50_000),
          evacuated: int(0, 20_000),
          dead: int(0, 3),
          injured: int(0, 40),
          missing: int(0, 5),
          damagedHouses: int(0, 900),
        },
        needs: [{ item: pick(items), quantity: int(10, 5000), unit: 'piece' }],
      }
      break
    case 6:
      kind = 'logistics.dispatched'
      subject = `dispatch.${i}`
      payload = {
        depot: `depot.${int(1, 60)}`,
        destination: county(),
        item: pick(items),
        quantity: int(10, 5000),
        vehicle: `truck.${int(1, 900)}`,
        eta: at + int(1, 12) * 3_600_000,
      }
      break
    default:
      kind = 'incident.level-changed'
      subject = `warn.${int(1, 200)}:${county()}`
      payload = {
        incidentId: subject,
        from: 'IV',
        to: pick(['III', 'II', 'I']),
        reason: `warning warn.${int(1, 200)} is now ${pick(['warning', 'severe', 'emergency'])}`,
        at,
      }
  }
  return { at, actor, kind, subject, payload }
}

const buildStart = performance.now()
const entries: ChainEntry[] = new Array<ChainEntry>(N)
let prev: ChainEntry | null = null
for (let i = 0; i < N; i++) {
  prev = chainEntry(prev, input(i))
  entries[i] = prev
}
const buildS = (performance.now() - buildStart) / 1000

// The canonical bytes of every entry, serialized once, into one buffer; for the first 1,000
// the hash of these bytes is checked against the entry's, so the reference hashes what
// Freshet hashes.
const texts: string[] = []
for (const e of entries) {
  const { seq, at, actor, kind, subject, payloadJson, prevHash } = e
  const payload = JSON.parse(payloadJson) as JsonValue
  texts.push(canonicalJson({ seq, at, actor, kind, subject, payload, prevHash }))
}
for (let i = 0; i < Math.min(N, 1_000); i++)
  if (hash('sha256', texts[i]!, 'hex') !== entries[i]!.hash)
    throw new Error(`entry ${i + 1}: the canonical bytes do not give its hash`)
const joined = Buffer.from(texts.join(''), 'utf8')
const offsets = new Uint32Array(N + 1)
for (let i = 0, o = 0; i < N; i++) {
  o += Buffer.byteLength(texts[i]!, 'utf8')
  offsets[i + 1] = o
}
texts.length = 0
let payloadBytes = 0
for (const e of entries) payloadBytes += e.payloadJson.length

// --- the runs --------------------------------------------------------------------------------
function reference(): number {
  const t0 = performance.now()
  let check = 0
  for (let i = 0; i < N; i++) {
    const h = hash('sha256', joined.subarray(offsets[i]!, offsets[i + 1]!), 'hex')
    check += h.charCodeAt(0)
  }
  const s = (performance.now() - t0) / 1000
  if (check === 0) console.log('(unlikely)')
  return s
}

async function freshetAsync(): Promise<number> {
  async function* pages(): AsyncGenerator<readonly ChainEntry[]> {
    for (let i = 0; i < N; i += BATCH) yield entries.slice(i, i + BATCH)
  }
  const t0 = performance.now()
  const r = await verifyChain(pages())
  const s = (performance.now() - t0) / 1000
  if (!r.ok || r.count !== N)
    throw new Error(`the bench chain did not verify: ${JSON.stringify(r)}`)
  return s
}

function freshet(): number {
  const t0 = performance.now()
  const v = new ChainVerifier()
  for (let i = 0; i < N; i += BATCH) if (!v.push(entries.slice(i, i + BATCH))) break
  const r = v.result()
  const s = (performance.now() - t0) / 1000
  if (!r.ok || r.count !== N)
    throw new Error(`the bench chain did not verify: ${JSON.stringify(r)}`)
  return s
}

/** Writes the entries into a fresh SQLite store file; returns its folder and the time taken (s). */
async function writeStore(): Promise<{ dir: string; file: string; s: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-audit-'))
  const file = join(dir, 'audit.db')
  await (await openStore(file)).close() // creates and migrates the file
  const t0 = performance.now()
  const raw = new Database(file)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = NORMAL')
  const insert = raw.prepare(
    `insert into command_audit (seq, at, actor, kind, subject, payload, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  raw.transaction(() => {
    for (const e of entries)
      insert.run(e.seq, e.at, e.actor, e.kind, e.subject, e.payloadJson, e.prevHash, e.hash)
  })()
  raw.close()
  return { dir, file, s: (performance.now() - t0) / 1000 }
}

async function freshetStore(file: string, lastHash: string): Promise<number> {
  const store = await openStore(file)
  try {
    const t0 = performance.now()
    const r = await verifyStoredChain(store.commandAudit, { pageSize: BATCH })
    const s = (performance.now() - t0) / 1000
    if (!r.ok || r.count !== N || r.lastHash !== lastHash)
      throw new Error(`the stored bench chain did not verify: ${JSON.stringify(r)}`)
    return s
  } finally {
    await store.close()
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US')
const line = (label: string, s: number, ref: number): void =>
  console.log(
    `${label.padEnd(46)} ${s.toFixed(3).padStart(8)} s  ${fmt(N / s).padStart(11)} entries/s  ${((100 * s) / ref).toFixed(0).padStart(5)} % of reference time`,
  )

console.log(
  `audit: ${fmt(N)} chained entries, mean hashed text ${fmt(joined.length / N)} bytes ` +
    `(payload ${fmt(payloadBytes / N)} bytes), batches of ${fmt(BATCH)}; ` +
    `built in ${buildS.toFixed(3)} s`,
)
const ref = reference()
line('reference: SHA-256 of the serialized bytes', ref, ref)
const f = freshet()
line('freshet: ChainVerifier.push, batches', f, ref)
line('freshet: verifyChain, async source of batches', await freshetAsync(), ref)
const written = await writeStore()
try {
  console.log(`store: ${fmt(N)} entries written to a SQLite file in ${written.s.toFixed(3)} s`)
  // The command holds no chain in memory: neither does its measurement.
  const lastHash = entries[N - 1]!.hash
  entries.length = 0
  const fs = await freshetStore(written.file, lastHash)
  line('freshet: audit verify, pages from SQLite', fs, ref)
  const per1m = (x: number): string => ((x * 1_000_000) / N).toFixed(3)
  console.log(`audit_reference_1m_s=${per1m(ref)}`)
  console.log(`audit_verify_memory_1m_s=${per1m(f)}`)
  console.log(`audit_verify_1m_s=${per1m(fs)}`)
} finally {
  rmSync(written.dir, { recursive: true, force: true })
}
