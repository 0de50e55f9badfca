/**
 * Live updates: one event stream for the whole page. Views ask for a tick that changes (at most
 * every half second) when an event of the kinds they show arrives, and reload their data then.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import { subscribeEvents, type LiveEvent } from '../api/events.ts'

type Listener = (e: LiveEvent) => void

interface LiveContextValue {
  readonly connected: boolean
  readonly listen: (fn: Listener) => () => void
}

const LiveContext = createContext<LiveContextValue>({ connected: false, listen: () => () => {} })

/** Holds the event stream of the session (`token` may be null: the public events). */
export function LiveProvider(props: { token: string | null; children: ReactNode }): ReactNode {
  const [connected, setConnected] = useState(false)
  const listeners = useRef(new Set<Listener>())
  const [value] = useState<Omit<LiveContextValue, 'connected'>>(() => ({
    listen: (fn) => {
      listeners.current.add(fn)
      return () => listeners.current.delete(fn)
    },
  }))
  useEffect(
    () =>
      subscribeEvents(
        props.token,
        (e) => {
          for (const fn of listeners.current) fn(e)
        },
        setConnected,
      ),
    [props.token],
  )
  return (
    <LiveContext.Provider value={{ connected, listen: value.listen }}>
      {props.children}
    </LiveContext.Provider>
  )
}

/** Whether the event stream is connected. */
export const useLiveConnected = (): boolean => useContext(LiveContext).connected

/** Calls `fn` for every event of one of `kinds` (all kinds when empty). */
export function useLiveEvent(kinds: readonly string[], fn: Listener): void {
  const { listen } = useContext(LiveContext)
  const latest = useRef(fn)
  useEffect(() => {
    latest.current = fn
  })
  const key = kinds.join(',')
  useEffect(
    () =>
      listen((e) => {
        if (key === '' || key.split(',').includes(e.kind)) latest.current(e)
      }),
    [listen, key],
  )
}

/**
 * A number that grows when events of `kinds` arrive, at most once per `debounceMs` (trailing),
 * so a view can put it in its effects' dependencies and reload.
 */
export function useLiveTick(kinds: readonly string[], debounceMs = 500): number {
  const [tick, setTick] = useState(0)
  const timer = useRef<number | undefined>(undefined)
  useLiveEvent(kinds, () => {
    if (timer.current !== undefined) return
    timer.current = window.setTimeout(() => {
      timer.current = undefined
      setTick((n) => n + 1)
    }, debounceMs)
  })
  useEffect(() => () => window.clearTimeout(timer.current), [])
  return tick
}
