/**
 * Server-Sent Events from `GET /api/v1/events`, read with fetch() and a stream reader so that
 * the bearer token can be sent (EventSource cannot send headers). Reconnects with a growing
 * delay when the stream ends or fails.
 */

/** One event: its type (`forecast`, `warning`, `order`, …) and its JSON body. */
export interface LiveEvent {
  readonly kind: string
  readonly data: Record<string, unknown>
}

/** Splits an SSE text buffer into complete events; returns them and the unfinished rest. */
export function parseEventStream(buffer: string): { events: LiveEvent[]; rest: string } {
  const events: LiveEvent[] = []
  const blocks = buffer.split(/\r?\n\r?\n/)
  const rest = blocks.pop() ?? ''
  for (const block of blocks) {
    let kind = 'message'
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue
      if (line.startsWith('event:')) kind = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
    }
    if (data.length === 0) continue
    try {
      events.push({ kind, data: JSON.parse(data.join('\n')) as Record<string, unknown> })
    } catch {
      events.push({ kind, data: {} })
    }
  }
  return { events, rest }
}

/**
 * Subscribes to the server's events until the returned function is called.
 * @param onEvent called for every event
 * @param onState told whether the stream is connected
 */
export function subscribeEvents(
  token: string | null,
  onEvent: (e: LiveEvent) => void,
  onState: (connected: boolean) => void,
): () => void {
  let stopped = false
  let reader: ReadableStreamDefaultReader<string> | undefined
  let delayMs = 1000
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const res = await fetch('/api/v1/events', {
          headers: {
            accept: 'text/event-stream',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        })
        if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`)
        reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        if (stopped) {
          void reader.cancel()
          return
        }
        onState(true)
        delayMs = 1000
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done || stopped) break
          const parsed = parseEventStream(buffer + value)
          buffer = parsed.rest
          for (const e of parsed.events) onEvent(e)
        }
      } catch {
        // Closed or unreachable: try again below.
      }
      if (stopped) return
      onState(false)
      await new Promise((r) => setTimeout(r, delayMs))
      delayMs = Math.min(delayMs * 2, 30_000)
    }
  }
  void run()
  return () => {
    stopped = true
    void reader?.cancel().catch(() => {})
  }
}
