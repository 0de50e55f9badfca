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
        <label>
          <span className="visually-hidden">{t('accessToken')}</span>
          <input
            type="password"
            autoComplete="off"
            data-testid="signin-token"
            placeholder={t('accessToken')}
            title={t('tokenHint')}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
          />
        </label>
      ) : (
        <>
          <label>
            <span className="visually-hidden">{t('userName')}</span>
            <input
              type="text"
              autoComplete="username"
              data-testid="signin-user"
              placeholder={t('userName')}
              value={user}
              onChange={(e) => setUser(e.target.value)}
              required
            />
          </label>
          <label>
            <span className="visually-hidden">{t('password')}</span>
            <input
              type="password"
              autoComplete="current-password"
              data-testid="signin-password"
              placeholder={t('password')}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
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
