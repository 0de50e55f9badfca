/**
 * What every form of the dashboard does when it sends something: a busy flag while the request
 * runs (one at a time), the outcome line under the form, and a failure also in the page's error
 * banner with the server's message.
 */
import { useCallback, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import { messageOf, useErrors } from './errors.tsx'

/** The line under a form after it was sent: what happened, or the server's refusal. */
export interface Outcome {
  readonly ok: boolean
  readonly text: string
}

export interface Submission {
  /** A request is running: the form's buttons are disabled. */
  readonly busy: boolean
  readonly outcome: Outcome | null
  /**
   * Runs `action` unless one is already running (then does nothing and resolves false). Its
   * result is the text of a success; what it throws is reported as `what` failed, in the
   * banner and in the outcome line.
   * @returns whether `action` ran and succeeded
   */
  readonly run: (what: string, action: () => Promise<string>) => Promise<boolean>
}

/** The state of one form's submission (see {@link Submission}). */
export function useSubmit(): Submission {
  const { t } = useI18n()
  const { report } = useErrors()
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  // The state above changes on the next render; a second click before it must still be refused.
  const running = useRef(false)
  const run = useCallback(
    async (what: string, action: () => Promise<string>): Promise<boolean> => {
      if (running.current) return false
      running.current = true
      setBusy(true)
      setOutcome(null)
      try {
        setOutcome({ ok: true, text: await action() })
        return true
      } catch (err) {
        report(what, err)
        setOutcome({ ok: false, text: messageOf(err, t) })
        return false
      } finally {
        running.current = false
        setBusy(false)
      }
    },
    [report, t],
  )
  return { busy, outcome, run }
}

/** The outcome line of a form: a status on success, an alert on failure; nothing before. */
export function OutcomeLine(props: { outcome: Outcome | null; testId?: string }): ReactNode {
  const { outcome } = props
  if (outcome === null) return null
  return (
    <p
      className={outcome.ok ? 'success' : 'failure'}
      role={outcome.ok ? 'status' : 'alert'}
      {...(props.testId !== undefined ? { 'data-testid': props.testId } : {})}
    >
      {outcome.text}
    </p>
  )
}
