/** Failed requests, shown in one banner at the top of the page until dismissed. */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { ApiRequestError } from '../api/client.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/dictionary.ts'

interface Problem {
  readonly id: number
  readonly text: string
}

interface ErrorsValue {
  readonly problems: readonly Problem[]
  /** Shows that `what` failed with `error` (an ApiRequestError or anything thrown). */
  readonly report: (what: string, error: unknown) => void
  readonly dismiss: (id: number) => void
}

const ErrorsContext = createContext<ErrorsValue>({
  problems: [],
  report: () => {},
  dismiss: () => {},
})

let nextId = 1

/** The message to show for an error thrown by a request. */
export function messageOf(error: unknown, t: (k: MessageKey) => string): string {
  if (error instanceof ApiRequestError) {
    if (error.status === 0) return t('networkError')
    return `${error.message} (HTTP ${error.status})`
  }
  return error instanceof Error ? error.message : String(error)
}

/** Holds the problems of the page. */
export function ErrorsProvider(props: { children: ReactNode }): ReactNode {
  const { t } = useI18n()
  const [problems, setProblems] = useState<readonly Problem[]>([])
  const report = useCallback(
    (what: string, error: unknown) => {
      const text = t('requestFailed')
        .replace('{what}', what)
        .replace('{message}', messageOf(error, t))
      setProblems((ps) =>
        ps.some((p) => p.text === text) ? ps : [...ps.slice(-4), { id: nextId++, text }],
      )
    },
    [t],
  )
  const dismiss = useCallback((id: number) => {
    setProblems((ps) => ps.filter((p) => p.id !== id))
  }, [])
  const value = useMemo(() => ({ problems, report, dismiss }), [problems, report, dismiss])
  return <ErrorsContext.Provider value={value}>{props.children}</ErrorsContext.Provider>
}

/** The reporter of the page's problems. */
export const useErrors = (): ErrorsValue => useContext(ErrorsContext)

/** The banner listing the problems, each with a button to dismiss it. */
export function ErrorBanner(): ReactNode {
  const { problems, dismiss } = useErrors()
  const { t } = useI18n()
  if (problems.length === 0) return null
  return (
    <section
      className="error-banner"
      role="alert"
      data-testid="error-banner"
      aria-label={t('errorsTitle')}
    >
      <ul>
        {problems.map((p) => (
          <li key={p.id}>
            <span>{p.text}</span>
            <button type="button" onClick={() => dismiss(p.id)}>
              {t('dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
