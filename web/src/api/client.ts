/**
 * The dashboard's only way to the server: JSON over HTTP with the session's bearer token. Every
 * failure becomes an {@link ApiRequestError} carrying the status and the server's message, so a
 * view can say what went wrong.
 */

/** A request that failed: HTTP status (0 when the server could not be reached) and message. */
export class ApiRequestError extends Error {
  readonly status: number
  readonly code: string
  readonly path: string

  constructor(status: number, code: string, message: string, path: string) {
    super(message)
    this.name = 'ApiRequestError'
    this.status = status
    this.code = code
    this.path = path
  }
}

export interface RequestOptions {
  readonly token?: string | null
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  readonly body?: unknown
  readonly signal?: AbortSignal
  /** `json` (default) parses the answer; `text` returns it as it is. */
  readonly as?: 'json' | 'text'
}

/** The message of an error body `{ error: { code, message } }`, or the status text. */
async function errorOf(res: Response, path: string): Promise<ApiRequestError> {
  let code = 'http_error'
  let message = `${res.status} ${res.statusText}`
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } }
    if (body.error?.message !== undefined) message = body.error.message
    if (body.error?.code !== undefined) code = body.error.code
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiRequestError(res.status, code, message, path)
}

/**
 * Requests `path` of the Freshet server (same origin).
 * @returns the parsed JSON answer (or the text with `as: 'text'`)
 * @throws ApiRequestError on a network failure (status 0) or any status ≥ 400
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.token) headers['authorization'] = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiRequestError(0, 'network', 'the server could not be reached', path)
  }
  if (!res.ok) throw await errorOf(res, path)
  if (options.as === 'text') return (await res.text()) as T
  return (await res.json()) as T
}

/** Whether `e` is the abort of a request that was no longer wanted (not an error to show). */
export const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === 'AbortError'
