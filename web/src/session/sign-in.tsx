/**
 * The header's session corner: the sign-in form (user name and password, or an access token), or
 * who is signed in with their role and posts.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/dictionary.ts'
import { messageOf } from '../ui/errors.tsx'
import { useSession } from './session.tsx'

export function SignIn(): ReactNode {
  const { t, tx } = useI18n()
  const { token, me, signIn, signInWithPassword, signOut } = useSession()
  const [mode, setMode] = useState<'password' | 'token'>('password')
  const [value, setValue] = useState('')
  const [user, setUser] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (token !== null && me !== null) {
    return (
      <div className="session">
        <p data-testid="whoami" data-user={me.user} data-role={me.role}>
          {t('signedInAs', { user: me.user })} · {t('rolePrefix')}:{' '}
          {t(`role.${me.role}` as MessageKey)} · {t('postsPrefix')}:{' '}
          {me.posts.length === 0
            ? t('noPosts')
            : me.posts.map((p) => `${p.post} (${tx(`role.${p.role}`, p.role)})`).join(', ')}
        </p>
        <button type="button" data-testid="signout" onClick={signOut}>
          {t('signOut')}
        </button>
      </div>
    )
  }
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      if (mode === 'token') await signIn(value.trim())
      else await signInWithPassword(user.trim(), password)
      setValue('')
      setPassword('')
    } catch (err) {
      setError(messageOf(err, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="session" onSubmit={(e) => void submit(e)} aria-label={t('signIn')}>
      <span className="note">{t('publicView')}</span>
      {mode === 'token' ? (
        <Field
          label={t('accessToken')}
          type="password"
          autoComplete="off"
          testId="signin-token"
          title={t('tokenHint')}
          value={value}
          onChange={setValue}
        />
      ) : (
        <>
          <Field
            label={t('userName')}
            type="text"
            autoComplete="username"
            testId="signin-user"
            value={user}
            onChange={setUser}
          />
          <Field
            label={t('password')}
            type="password"
            autoComplete="current-password"
            testId="signin-password"
            value={password}
            onChange={setPassword}
          />
        </>
      )}
      <button
        type="submit"
        data-testid="signin-submit"
        disabled={
          busy || (mode === 'token' ? value.trim() === '' : user.trim() === '' || password === '')
        }
      >
        {t('signIn')}
      </button>
      <button
        type="button"
        className="link"
        data-testid="signin-mode"
        onClick={() => {
          setMode(mode === 'token' ? 'password' : 'token')
          setError(null)
        }}
      >
        {mode === 'token' ? t('usePassword') : t('useToken')}
      </button>
      {error !== null ? (
        <p className="failure" role="alert" data-testid="signin-error">
          {error}
        </p>
      ) : null}
    </form>
  )
}

/** A required field of the header's form, named by its placeholder and a hidden label. */
function Field(props: {
  label: string
  type: 'text' | 'password'
  autoComplete: string
  testId: string
  title?: string
  value: string
  onChange: (value: string) => void
}): ReactNode {
  return (
    <label>
      <span className="visually-hidden">{props.label}</span>
      <input
        type={props.type}
        autoComplete={props.autoComplete}
        data-testid={props.testId}
        placeholder={props.label}
        {...(props.title !== undefined ? { title: props.title } : {})}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required
      />
    </label>
  )
}
