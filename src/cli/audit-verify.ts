/**
 * Verifies the command audit chain as it is stored: pages read from the repository, in seq
 * order, pushed through a `ChainVerifier`, the next page read while the current one is
 * checked. `freshet audit verify` and `bench/audit.ts` both verify through this function.
 */
import { type ChainEntry, ChainVerifier, type VerifyResult } from '../command/audit-chain.ts'
import type { CommandAuditRepository } from '../command/ports.ts'

/** Entries per page unless told otherwise. */
export const DEFAULT_PAGE_SIZE = 10_000

/** Options of {@link verifyStoredChain}. */
export interface VerifyStoredOptions {
  /** Entries read per page (default {@link DEFAULT_PAGE_SIZE}). */
  readonly pageSize?: number
  /** Called after each page with the entries verified so far and the last seq of the page. */
  readonly onPage?: (verified: number, lastSeq: number) => void
}

/**
 * Verifies the whole chain from its first entry, stopping at the first broken one.
 * @throws Error when the page size is not a positive integer, or the store fails
 */
export async function verifyStoredChain(
  audit: Pick<CommandAuditRepository, 'page'>,
  options: VerifyStoredOptions = {},
): Promise<VerifyResult> {
  const size = options.pageSize ?? DEFAULT_PAGE_SIZE
  if (!Number.isSafeInteger(size) || size < 1)
    throw new Error(`page size must be a positive integer, not ${size}`)
  const v = new ChainVerifier()
  let next: Promise<readonly ChainEntry[]> = audit.page(0, size)
  for (;;) {
    const page = await next
    if (page.length === 0) break
    const last = page[page.length - 1]!.seq
    // Read ahead only when this page was full: a short page is the end of the chain.
    if (page.length === size) next = audit.page(last, size)
    else next = Promise.resolve([])
    if (!v.push(page)) {
      // The page read ahead is not needed; let it settle so its failure is not unhandled.
      await next.catch(() => undefined)
      break
    }
    const r = v.result()
    options.onPage?.(r.count, last)
  }
  return v.result()
}
