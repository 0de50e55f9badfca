/**
 * The command audit log as a hash chain: every command and logistics event is appended as an
 * entry whose hash covers its content and the hash of the entry before it, so that changing,
 * inserting or deleting any entry breaks the chain from that entry on.
 *
 * Entry n (seq counts from 1) has
 *
 *   hash = hex(SHA-256(UTF-8(canonical JSON of
 *            { actor, at, kind, payload, prevHash, seq, subject })))
 *
 * An entry keeps its payload as canonical JSON text (`payloadJson`), written once when it is
 * appended: verifying then hashes the text as stored, with no parsing and no re-serialising,
 * and the store keeps the same text in its column.
 *
 * where `prevHash` is the hash of entry n − 1, or 64 zeros ({@link GENESIS_HASH}) for entry 1.
 * The canonical JSON is that of the JSON Canonicalization Scheme (RFC 8785) for these values:
 * no whitespace; object keys sorted by UTF-16 code units; strings escaped as
 * `JSON.stringify` does; numbers as ECMAScript writes them (integers without a fraction, −0 as
 * 0); object members whose value is `undefined` left out (as a JSON round trip does). Payloads
 * hold only JSON values: null, booleans, finite numbers, strings, arrays and plain objects.
 *
 * Truncation (deleting the last entries) leaves a valid shorter chain; a verifier detects it
 * only against a count or last hash kept elsewhere (e.g. published or countersigned).
 */
// SHA-256 is a pure function; node:crypto is used for its speed, not for any I/O.
// eslint-disable-next-line no-restricted-imports
import { hash as sha256 } from 'node:crypto'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'

/** A JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined }

/** The `prevHash` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64)

/** What is appended: an event in the words of the audit log. */
export interface AuditInput {
  /** Epoch ms of the event. */
  readonly at: EpochMs
  readonly actor: UserId
  /** What happened, e.g. `order.issued`, `order.escalated`, `logistics.dispatched`. */
  readonly kind: string
  /** What it happened to, e.g. an order id. */
  readonly subject: string
  readonly payload: JsonValue
}

/** One entry of the chain. */
export interface ChainEntry {
  /** 1, 2, 3 … without gaps. */
  readonly seq: number
  /** Epoch ms of the event. */
  readonly at: EpochMs
  readonly actor: UserId
  readonly kind: string
  readonly subject: string
  /** The canonical JSON of the payload (see the file comment); {@link payloadOf} parses it. */
  readonly payloadJson: string
  /** Hash of the entry before (lower-case hex), {@link GENESIS_HASH} for seq 1. */
  readonly prevHash: string
  /** SHA-256 (lower-case hex) of this entry, as in the file comment. */
  readonly hash: string
}

/** Why verification stopped. */
export type BreakReason = 'hash mismatch' | 'prevHash does not match previous entry' | 'seq gap'

/** The outcome of verifying a chain. */
export type VerifyResult =
  | {
      readonly ok: true
      /** Entries verified. */
      readonly count: number
      /** Seq of the last entry (0 for an empty chain, or the starting point). */
      readonly lastSeq: number
      /** Hash of the last entry ({@link GENESIS_HASH} for an empty chain). */
      readonly lastHash: string
    }
  | {
      readonly ok: false
      /**
       * The seq of the first broken entry: the entry whose hash or prevHash is wrong, or for a
       * gap the seq that should have come next (the missing one).
       */
      readonly firstBroken: number
      readonly reason: BreakReason
      /** One line for people, naming the entry. */
      readonly message: string
      /** Entries verified good before it. */
      readonly count: number
    }

/**
 * The canonical JSON of a value (see the file comment).
 * @throws Error for what is not JSON (undefined outside an object, NaN, ±Infinity, a bigint, a
 *   function, a symbol, an object that is not plain), naming the path
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = []
  const path: (string | number)[] = []
  write(value, out, path)
  // One join gives one flat string (no rope), which hashes faster every time it is verified.
  return out.join('')
}

function write(v: unknown, out: string[], path: (string | number)[]): void {
  if (v === null) {
    out.push('null')
    return
  }
  switch (typeof v) {
    case 'string':
      out.push(quote(v))
      return
    case 'number':
      if (!Number.isFinite(v)) throw notJson(path, `not a finite number: ${v}`)
      out.push(String(v))
      return
    case 'boolean':
      out.push(v ? 'true' : 'false')
      return
    case 'object': {
      if (Array.isArray(v)) {
        out.push('[')
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out.push(',')
          path.push(i)
          write(v[i], out, path)
          path.pop()
        }
        out.push(']')
        return
      }
      const proto: unknown = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) throw notJson(path, 'not a plain object')
      const o = v as Record<string, unknown>
      out.push('{')
      let first = true
      for (const k of sortedKeys(o)) {
        const x = o[k]
        if (x === undefined) continue
        out.push(first ? quote(k) + ':' : ',' + quote(k) + ':')
        first = false
        path.push(k)
        write(x, out, path)
        path.pop()
      }
      out.push('}')
      return
    }
    default:
      throw notJson(path, `not a JSON value (${typeof v})`)
  }
}

function notJson(path: readonly (string | number)[], message: string): Error {
  let p = '$'
  for (const k of path) p += typeof k === 'number' ? `[${k}]` : `.${k}`
  return new Error(`${p}: ${message}`)
}

/** Own enumerable keys by UTF-16 code units; insertion sort for the small objects of payloads. */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o)
  if (keys.length > 16) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!
    let j = i - 1
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = k
  }
  return keys
}

/** Strings JSON writes as they are: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/

/** `JSON.stringify(s)`, skipping its escaping pass for the usual plain strings. */
function quote(s: string): string {
  return PLAIN.test(s) ? '"' + s + '"' : JSON.stringify(s)
}

/** `JSON.stringify(n)` of a number. */
function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null'
}

/** The hashed text of an entry: its canonical JSON without `hash`, the payload as given. */
function hashedText(
  seq: number,
  at: number,
  actor: string,
  kind: string,
  subject: string,
  payloadJson: string,
  prevHash: string,
): string {
  // Keys in sorted order: actor, at, kind, payload, prevHash, seq, subject.
  return (
    '{"actor":' +
    quote(actor) +
    ',"at":' +
    num(at) +
    ',"kind":' +
    quote(kind) +
    ',"payload":' +
    payloadJson +
    ',"prevHash":' +
    quote(prevHash) +
    ',"seq":' +
    num(seq) +
    ',"subject":' +
    quote(subject) +
    '}'
  )
}

/**
 * The hash an entry should have: lower-case hex SHA-256 of its canonical JSON without `hash`,
 * the payload taken as its stored text.
 */
export function entryHash(e: Omit<ChainEntry, 'hash'>): string {
  const text = hashedText(e.seq, e.at, e.actor, e.kind, e.subject, e.payloadJson, e.prevHash)
  return sha256('sha256', text, 'hex')
}

/** The payload of an entry. @throws SyntaxError when its text is not JSON (a tampered entry) */
export function payloadOf(e: ChainEntry): JsonValue {
  return JSON.parse(e.payloadJson) as JsonValue
}

/**
 * The entry that follows `prev` (null: the first entry of the chain).
 * @throws Error when `at` is not a finite number or the payload is not JSON (a programmer error)
 */
export function chainEntry(prev: ChainEntry | null, input: AuditInput): ChainEntry {
  if (!Number.isFinite(input.at)) throw new Error(`audit entry at ${input.at}: not a time`)
  const seq = prev === null ? 1 : prev.seq + 1
  const prevHash = prev === null ? GENESIS_HASH : prev.hash
  const payloadJson = canonicalJson(input.payload)
  const { at, actor, kind, subject } = input
  const hash = sha256(
    'sha256',
    hashedText(seq, at, actor, kind, subject, payloadJson, prevHash),
    'hex',
  )
  return { seq, at, actor, kind, subject, payloadJson, prevHash, hash }
}

/**
 * Verifies a chain incrementally, batch by batch (as pages read from the store), keeping only
 * the last seq and hash. Stops at the first broken entry; later batches are ignored.
 */
export class ChainVerifier {
  #nextSeq: number
  #prevHash: string
  #count = 0
  #broken: Extract<VerifyResult, { ok: false }> | null = null

  /**
   * @param after where the chain to verify starts: after the entry of this seq and hash (an
   *   earlier verified checkpoint); default the start of the chain
   */
  constructor(
    after: { readonly seq: number; readonly hash: string } = { seq: 0, hash: GENESIS_HASH },
  ) {
    this.#nextSeq = after.seq + 1
    this.#prevHash = after.hash
  }

  /** Verifies the next entries in order. @returns false once the chain is found broken */
  push(batch: readonly ChainEntry[]): boolean {
    if (this.#broken !== null) return false
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i]!
      if (e.seq !== this.#nextSeq)
        return this.#fail(
          this.#nextSeq,
          'seq gap',
          `expected entry ${this.#nextSeq}, found entry ${e.seq}`,
        )
      if (e.prevHash !== this.#prevHash)
        return this.#fail(e.seq, 'prevHash does not match previous entry', `entry ${e.seq}`)
      if (e.hash !== entryHash(e)) return this.#fail(e.seq, 'hash mismatch', `entry ${e.seq}`)
      this.#prevHash = e.hash
      this.#nextSeq++
      this.#count++
    }
    return true
  }

  /** The outcome so far. */
  result(): VerifyResult {
    if (this.#broken !== null) return this.#broken
    return { ok: true, count: this.#count, lastSeq: this.#nextSeq - 1, lastHash: this.#prevHash }
  }

  #fail(firstBroken: number, reason: BreakReason, detail: string): false {
    this.#broken = {
      ok: false,
      firstBroken,
      reason,
      message: `audit chain broken at entry ${firstBroken}: ${reason} (${detail})`,
      count: this.#count,
    }
    return false
  }
}

/**
 * Verifies a whole chain from its first entry: entries in memory (synchronously), or batches
 * from an async source (pages read from the store), stopping at the first broken entry.
 */
export function verifyChain(entries: Iterable<ChainEntry>): VerifyResult
export function verifyChain(batches: AsyncIterable<readonly ChainEntry[]>): Promise<VerifyResult>
export function verifyChain(
  source: Iterable<ChainEntry> | AsyncIterable<readonly ChainEntry[]>,
): VerifyResult | Promise<VerifyResult> {
  const v = new ChainVerifier()
  if (Symbol.asyncIterator in source)
    return (async () => {
      for await (const batch of source) if (!v.push(batch)) break
      return v.result()
    })()
  v.push(Array.isArray(source) ? (source as readonly ChainEntry[]) : [...source])
  return v.result()
}
