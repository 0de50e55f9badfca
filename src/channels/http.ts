/**
 * One HTTP POST with a timeout, its outcome classified for retries. Shared by the webhook and
 * SMS-gateway channels.
 */
import type { SendResult } from '../notify/ports.ts'

/**
 * Whether a failed HTTP status is worth retrying: 408 (timeout), 425 (too early), 429 (rate
 * limited) and every 5xx are; other 4xx mean the request itself is wrong.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

/**
 * POSTs `body`; 2xx is delivered, an error status is classified by {@link isRetryableStatus},
 * and a network error or a timeout is retryable. Never throws.
 *
 * @param timeoutMs for the whole exchange, response body included, in ms
 * @param providerIdOf reads the provider's message id from a 2xx response body
 */
export async function postAndClassify(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  providerIdOf?: (responseBody: string) => string | undefined,
): Promise<SendResult> {
  let res: Response
  let text: string
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    text = await res.text()
  } catch (e) {
    const reason =
      e instanceof Error && e.name === 'TimeoutError'
        ? `timed out after ${timeoutMs} ms`
        : `network error: ${describeError(e)}`
    return { ok: false, retryable: true, reason }
  }
  if (res.status >= 200 && res.status < 300) {
    const id = providerIdOf?.(text)
    return id === undefined ? { ok: true } : { ok: true, providerId: id }
  }
  return {
    ok: false,
    retryable: isRetryableStatus(res.status),
    reason: `HTTP ${res.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`,
  }
}

/** An error's message with its cause (fetch puts the socket error there). */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const cause = e.cause instanceof Error ? ` (${e.cause.message})` : ''
  return `${e.message}${cause}`
}

/** Reads `id` (or `messageId`) from a JSON object, if it is a string. */
export function jsonIdOf(body: string): string | undefined {
  try {
    const v: unknown = JSON.parse(body)
    if (typeof v !== 'object' || v === null) return undefined
    const o = v as Record<string, unknown>
    const id = o['id'] ?? o['messageId']
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
  } catch {
    return undefined
  }
}
