/**
 * Who is signed in: with a user name and password (the server's session token) or an access
 * token. The token is kept in sessionStorage (gone when the tab closes) and sent as a bearer
 * token; `/api/v1/me` says the user, role, areas and command posts. Without a
 * token the dashboard is the public, read-only view.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react'
import { request } from '../api/client.ts'
import { ROLES, type Me, type Role } from '../api/types.ts'

const STORAGE_KEY = 'freshet.token'
/** Session tokens (from a password sign-in) start with this; API tokens do not. */
const SESSION_PREFIX = 'fs1.'

interface SessionValue {
  readonly token: string | null
  readonly me: Me | null
  /** Checks `token` with the server and keeps it; throws the server's refusal. */
  readonly signIn: (token: string) => Promise<void>
  /** Signs in with a user name and password (a session token); throws the server's refusal. */
  readonly signInWithPassword: (user: string, password: string) => Promise<void>
  readonly signOut: () => void
}

const SessionContext = createContext<SessionValue | null>(null)

/** Whether `role` includes what `needed` may do (observer < forecaster < duty-officer < admin). */
export function hasRole(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(needed)
}

/** Whether the signed-in user's areas cover `area` (a zone or basin id). */
export function coversArea(me: Me | null, area: string): boolean {
  return (
    me !== null && (me.areas.includes('*') || me.areas.includes(area) || me.zones.includes(area))
  )
}

/** Holds the session of the tab. */
export function SessionProvider(props: { children: ReactNode }): ReactNode {
  const [token, setToken] = useState<string | null>(() =>
    window.sessionStorage.getItem(STORAGE_KEY),
  )
  const [me, setMe] = useState<Me | null>(null)
  const signOut = useCallback(() => {
    const kept = window.sessionStorage.getItem(STORAGE_KEY)
    window.sessionStorage.removeItem(STORAGE_KEY)
    setToken(null)
    setMe(null)
    // A session token is revoked on the server too (an API token stays valid: it is not ours).
    if (kept !== null && kept.startsWith(SESSION_PREFIX))
      request('/api/v1/session', { method: 'DELETE', token: kept, as: 'text' }).catch(() => {})
  }, [])
  useEffect(() => {
    if (token === null || me !== null) return
    const controller = new AbortController()
    request<Me>('/api/v1/me', { token, signal: controller.signal })
      .then(setMe)
      .catch((e: unknown) => {
        if (!controller.signal.aborted) {
          // A kept token that no longer works: back to the public view.
          void e
          signOut()
        }
      })
    return () => controller.abort()
  }, [token, me, signOut])
  const signIn = useCallback(async (t: string) => {
    const who = await request<Me>('/api/v1/me', { token: t })
    window.sessionStorage.setItem(STORAGE_KEY, t)
    setMe(who)
    setToken(t)
  }, [])
  const signInWithPassword = useCallback(
    async (user: string, password: string) => {
      const s = await request<{ token: string }>('/api/v1/session', {
        method: 'POST',
        body: { user, password },
      })
      await signIn(s.token)
    },
    [signIn],
  )
  const value = useMemo(
    () => ({ token, me, signIn, signInWithPassword, signOut }),
    [token, me, signIn, signInWithPassword, signOut],
  )
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>
}

/** The session of the tab. */
export function useSession(): SessionValue {
  const v = useContext(SessionContext)
  if (v === null) throw new Error('useSession outside SessionProvider')
  return v
}
