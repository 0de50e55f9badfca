/** Entry of the dashboard. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { I18nProvider } from './i18n/i18n.tsx'
import { SessionProvider } from './session/session.tsx'
import { ErrorsProvider } from './ui/errors.tsx'
import { prewarmMap } from './features/map/map-view.tsx'
import './styles.css'

prewarmMap()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <ErrorsProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </ErrorsProvider>
    </I18nProvider>
  </StrictMode>,
)
