/** The server's clock (the replay's simulated time in the demo), from `GET /health`. */
import { request } from './client.ts'

/**
 * The server's current time, ms since the epoch; the browser's when the server does not say.
 * @throws ApiRequestError when the server cannot be reached
 */
export async function serverNow(): Promise<number> {
  const h = await request<{ time?: string }>('/health')
  const t = h.time === undefined ? Number.NaN : Date.parse(h.time)
  return Number.isNaN(t) ? Date.now() : t
}
