/** Loading server data in a component: with the session's token, reloaded on live events. */
import { useCallback, useEffect, useState } from 'react'
import { useLiveTick } from '../live/live.tsx'
import { useErrors } from '../ui/errors.tsx'
import { useSession } from '../session/session.tsx'
import { ApiRequestError, request } from './client.ts'

export interface ApiState<T> {
  readonly data: T | undefined
  /** The failure of the last load, already shown in the error banner. */
  readonly error: ApiRequestError | null
  readonly loading: boolean
  readonly reload: () => void
}

export interface UseApiOptions {
  /** Event kinds after which to load again. */
  readonly live?: readonly string[]
  /** A 404 (or 405) means "not offered by this server": no banner, `data` stays undefined. */
  readonly optional?: boolean
  /**
   * Statuses the component shows itself, next to where the data would be (from `error`), and
   * that are not errors of the page: no banner for them (e.g. 409, a simulation the data do
   * not allow).
   */
  readonly quiet?: readonly number[]
  /** How the request is named in the error banner. */
  readonly what: string
  /** `text` for a document that is not JSON (a CAP message). */
  readonly as?: 'json' | 'text'
}

/**
 * Loads `path` (nothing while it is null) and again whenever one of `options.live` events
 * arrives or `reload` is called. Failures go to the error banner and to `error`.
 */
export function useApi<T>(path: string | null, options: UseApiOptions): ApiState<T> {
  const { token } = useSession()
  const { report } = useErrors()
  const tick = useLiveTick(options.live ?? ['-'])
  const [manual, setManual] = useState(0)
  const { what, optional, as } = options
  const quietKey = (options.quiet ?? []).join(',')
  /** The data a component shows belongs to a path and token; a load is one request of them. */
  const dataKey = `${path ?? ''}|${token ?? ''}`
  const loadKey = `${dataKey}|${tick}|${manual}`
  const [state, setState] = useState<{
    data: T | undefined
    dataKey: string | null
    error: ApiRequestError | null
    loadKey: string | null
  }>({ data: undefined, dataKey: null, error: null, loadKey: null })
  useEffect(() => {
    if (path === null) return
    // A superseded request is left to finish and its answer dropped (aborting it would show
    // as a failed request in the browser's log).
    let current = true
    request<T>(path, { token, ...(as !== undefined ? { as } : {}) })
      .then((data) => {
        if (current) setState({ data, dataKey, error: null, loadKey })
      })
      .catch((e: unknown) => {
        if (!current) return
        const err =
          e instanceof ApiRequestError ? e : new ApiRequestError(0, 'network', String(e), path)
        const quiet =
          (optional === true && (err.status === 404 || err.status === 405)) ||
          quietKey.split(',').includes(String(err.status))
        if (!quiet) report(what, err)
        setState((s) => ({ ...s, error: err, loadKey }))
      })
    return () => {
      current = false
    }
  }, [path, token, dataKey, loadKey, what, optional, quietKey, as, report])
  const reload = useCallback(() => setManual((n) => n + 1), [])
  return {
    data: path !== null && state.dataKey === dataKey ? state.data : undefined,
    error: state.loadKey === loadKey ? state.error : null,
    loading: path !== null && state.loadKey !== loadKey,
    reload,
  }
}
