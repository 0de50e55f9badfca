import { expect, it } from 'vitest'
import {
  type ChainEntry,
  ChainVerifier,
  chainEntry,
  GENESIS_HASH,
  payloadOf,
  verifyChain,
} from '../../command/audit-chain.ts'
import { orderAuditInput } from '../../command/audit-inputs.ts'
import type { Store } from '../store.ts'
import { auditInput, issued } from '../testing/command-fixtures.ts'
import { describeStores } from '../testing/databases.ts'

/** Every entry, streamed in pages of `size`. */
async function* pages(store: Store, size: number): AsyncGenerator<readonly ChainEntry[]> {
  for (let after = 0; ;) {
    const page = await store.commandAudit.page(after, size)
    if (page.length === 0) return
    yield page
    after = page[page.length - 1]!.seq
  }
}

describeStores('CommandAuditRepository', (store) => {
  it('chains appended entries onto the last one and reads them back bit for bit', async () => {
    expect(await store().commandAudit.last()).toBeUndefined()
    expect(await store().commandAudit.append([])).toEqual([])
    const first = await store().commandAudit.append([auditInput(1), auditInput(2)])
    const second = await store().commandAudit.append([auditInput(3)])
    expect(first.map((e) => e.seq)).toEqual([1, 2])
    expect(first[0]!.prevHash).toBe(GENESIS_HASH)
    expect(second[0]).toEqual(chainEntry(first[1]!, auditInput(3)))
    expect(await store().commandAudit.last()).toEqual(second[0])
    const all = await store().commandAudit.page(0, 10)
    expect(all).toEqual([...first, ...second])
    expect(payloadOf(all[0]!)).toEqual(auditInput(1).payload)
    expect(verifyChain(all)).toMatchObject({ ok: true, count: 3, lastHash: second[0]!.hash })
  })

  it('pages in seq order from any point, and refuses a malformed page', async () => {
    const inputs = Array.from({ length: 25 }, (_, i) => auditInput(i))
    await store().commandAudit.append(inputs.slice(0, 12))
    await store().commandAudit.append(inputs.slice(12))
    const seen: number[] = []
    for await (const p of pages(store(), 7)) {
      expect(p.length).toBeLessThanOrEqual(7)
      seen.push(...p.map((e) => e.seq))
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    expect((await store().commandAudit.page(20, 100)).map((e) => e.seq)).toEqual([
      21, 22, 23, 24, 25,
    ])
    expect(await store().commandAudit.page(25, 100)).toEqual([])
    expect(await verifyChain(pages(store(), 4))).toMatchObject({ ok: true, count: 25 })
    await expect(store().commandAudit.page(-1, 10)).rejects.toThrow(/afterSeq/)
    await expect(store().commandAudit.page(0, 0)).rejects.toThrow(/limit/)
  })

  it('keeps seq contiguous and the chain whole when 50 appenders append at once', async () => {
    const writers = 50
    const appended = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        store().commandAudit.append([
          auditInput(3 * w, `w${w}`),
          auditInput(3 * w + 1, `w${w}`),
          auditInput(3 * w + 2, `w${w}`),
        ]),
      ),
    )
    // Each batch is stored whole, in a row, and chained onto whatever came before it.
    for (const batch of appended) {
      expect(batch[1]!.seq).toBe(batch[0]!.seq + 1)
      expect(batch[2]!.seq).toBe(batch[0]!.seq + 2)
    }
    const all = await store().commandAudit.page(0, 1000)
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 3 * writers }, (_, i) => i + 1))
    expect(verifyChain(all)).toMatchObject({ ok: true, count: 3 * writers })
    expect(new Set(all.map((e) => e.actor)).size).toBe(writers)
    expect(all.flatMap((e) => e.actor)).toEqual(
      appended
        .flat()
        .sort((a, b) => a.seq - b.seq)
        .map((e) => e.actor),
    )
  })

  it('appends in the caller’s transaction: an order and its audit entry together or not at all', async () => {
    const e = issued('cn.hq.order.1')
    await expect(
      store().transaction(async (tx) => {
        await tx.orders.create(e)
        await tx.commandAudit.append([orderAuditInput(e)])
        throw new Error('later step failed')
      }),
    ).rejects.toThrow('later step failed')
    expect(await store().orders.find(e.orderId)).toBeUndefined()
    expect(await store().commandAudit.last()).toBeUndefined()
    const stored = await store().transaction(async (tx) => {
      await tx.orders.create(e)
      return tx.commandAudit.append([orderAuditInput(e)])
    })
    expect(stored[0]).toMatchObject({ seq: 1, kind: 'order.issued', subject: 'cn.hq.order.1' })
    expect(await store().orders.find(e.orderId)).toBeDefined()
  })

  it('lets a verifier find an entry whose stored payload was changed', async () => {
    await store().commandAudit.append(Array.from({ length: 10 }, (_, i) => auditInput(i)))
    const all = await store().commandAudit.page(0, 100)
    const tampered = all.map((e) =>
      e.seq === 6 ? { ...e, payloadJson: e.payloadJson.replace('"n":5', '"n":50') } : e,
    )
    const v = new ChainVerifier()
    v.push(tampered.slice(0, 4))
    v.push(tampered.slice(4))
    expect(v.result()).toMatchObject({
      ok: false,
      firstBroken: 6,
      reason: 'hash mismatch',
      count: 5,
    })
  })

  it('refuses an entry that is not JSON, writing none of the batch', async () => {
    await expect(
      store().commandAudit.append([
        auditInput(1),
        { ...auditInput(2), payload: { x: Number.NaN } },
      ]),
    ).rejects.toThrow(/not a finite number/)
    expect(await store().commandAudit.last()).toBeUndefined()
  })
})
