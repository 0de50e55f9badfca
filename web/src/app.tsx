/** The page: header (language, session, live state, replay), the four views, the error banner. */
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import type { DashboardStations } from './api/types.ts'
import { useApi } from './api/use-api.ts'
import { CommandTab } from './features/command/command-tab.tsx'
import { useLatestPlan } from './features/logistics/latest-plan.ts'
import { LogisticsTab } from './features/logistics/logistics-tab.tsx'
import { MapTab } from './features/map/map-tab.tsx'
import type { MapSelection } from './features/map/map-view.tsx'
import { WarningsTab } from './features/warnings/warnings-tab.tsx'
import { LANGUAGES, useI18n, type Language } from './i18n/i18n.tsx'
import { LiveProvider, useLiveConnected } from './live/live.tsx'
import { ReplayControl } from './live/replay-control.tsx'
import { SignIn } from './session/sign-in.tsx'
import { useSession } from './session/session.tsx'
import { ErrorBanner } from './ui/errors.tsx'
import { DEFAULT_LEVEL_NAMES } from './ui/levels.tsx'

const TABS = ['map', 'warnings', 'command', 'logistics'] as const
type Tab = (typeof TABS)[number]

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ko: '한국어' }

function tabFromHash(): Tab {
  const h = window.location.hash.replace(/^#\/?/, '')
  return (TABS as readonly string[]).includes(h) ? (h as Tab) : 'map'
}

/** The app inside its providers; the event stream follows the session's token. */
export function App(): ReactNode {
  const { token } = useSession()
  return (
    <LiveProvider token={token}>
      <Shell />
    </LiveProvider>
  )
}

function Shell(): ReactNode {
  const { t, lang, setLang } = useI18n()
  const connected = useLiveConnected()
  const [tab, setTab] = useState<Tab>(tabFromHash)
  const [selection, setSelection] = useState<MapSelection | null>(null)
  useEffect(() => {
    const onHash = (): void => setTab(tabFromHash())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  const go = useCallback((next: Tab) => {
    window.location.hash = next
    setTab(next)
  }, [])
  const onSelect = useCallback(
    (s: MapSelection | null) => {
      setSelection(s)
      if (s?.kind === 'zone') go('warnings')
    },
    [go],
  )
  const stations = useApi<DashboardStations>('/api/v1/dashboard/stations', {
    what: t('layer.stations'),
    live: ['forecast', 'observations', 'warning', 'skill'],
  })
  const plan = useLatestPlan()
  // Warning levels a forecaster may draft (the stations' levels are thresholds, not these).
  const levels = DEFAULT_LEVEL_NAMES.slice(1)
  return (
    <>
      <a className="skip-link" href="#main">
        {t('tab.map')} / {t('tab.warnings')} …
      </a>
      <header className="app-header">
        <div className="brand">
          <h1>{t('appName')}</h1>
          <p>{t('tagline')}</p>
        </div>
        <ReplayControl />
        <span className={`live ${connected ? 'on' : 'off'}`} role="status">
          {connected ? t('liveOn') : t('liveOff')}
        </span>
        <label className="lang">
          {t('language')}{' '}
          <select
            data-testid="lang-select"
            value={lang}
            onChange={(e) => setLang(e.target.value as Language)}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <SignIn />
      </header>
      <nav className="tabs" aria-label={t('mainNav')}>
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            data-testid={`tab-${k}`}
            aria-current={tab === k ? 'page' : undefined}
            onClick={() => go(k)}
          >
            {t(`tab.${k}`)}
          </button>
        ))}
      </nav>
      <ErrorBanner />
      <main id="main" tabIndex={-1}>
        <div hidden={tab !== 'map'} className="view">
          <MapTab stations={stations} plan={plan} selection={selection} onSelect={onSelect} />
        </div>
        {tab === 'warnings' ? <WarningsTab levels={levels} /> : null}
        {tab === 'command' ? <CommandTab /> : null}
        {tab === 'logistics' ? <LogisticsTab plan={plan} /> : null}
      </main>
    </>
  )
}
