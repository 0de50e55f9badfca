/** The interface language: English or Korean, chosen in the header and remembered in localStorage. */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react'
import { en, format, ko, type MessageKey } from './dictionary.ts'

export const LANGUAGES = ['en', 'ko'] as const
export type Language = (typeof LANGUAGES)[number]

const STORAGE_KEY = 'freshet.lang'
const tables: Record<Language, Record<MessageKey, string>> = { en, ko }

/** Translates a key; `tx` also takes a key that may not exist (a server's level name) and falls back. */
export interface Translator {
  readonly lang: Language
  readonly t: (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string
  readonly tx: (key: string, fallback: string) => string
  readonly setLang: (lang: Language) => void
  /** A date-time in the language's format, UTC. */
  readonly time: (iso: string | number) => string
  /** A calendar day (UTC) in the language's format, without the time of day. */
  readonly day: (iso: string | number) => string
  readonly number: (n: number, digits?: number) => string
}

function initialLanguage(): Language {
  const kept = window.localStorage.getItem(STORAGE_KEY)
  if (kept === 'en' || kept === 'ko') return kept
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en'
}

const I18nContext = createContext<Translator | null>(null)

/** Provides the translator to the tree. */
export function I18nProvider(props: { children: ReactNode }): ReactNode {
  const [lang, setLangState] = useState<Language>(initialLanguage)
  useEffect(() => {
    document.documentElement.lang = lang
  }, [lang])
  const setLang = useCallback((l: Language) => {
    window.localStorage.setItem(STORAGE_KEY, l)
    setLangState(l)
  }, [])
  const value = useMemo<Translator>(() => {
    const table = tables[lang]
    const dateFormat = new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    })
    const dayFormat = new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    })
    return {
      lang,
      setLang,
      t: (key, params) => format(table[key], params),
      tx: (key, fallback) => (key in table ? table[key as MessageKey] : fallback),
      time: (v) => {
        const d = new Date(v)
        return Number.isNaN(d.getTime()) ? String(v) : `${dateFormat.format(d)} UTC`
      },
      day: (v) => {
        const d = new Date(v)
        return Number.isNaN(d.getTime()) ? String(v) : dayFormat.format(d)
      },
      number: (n, digits = 0) =>
        n.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-GB', { maximumFractionDigits: digits }),
    }
  }, [lang, setLang])
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>
}

/** The translator of the tree. */
export function useI18n(): Translator {
  const v = useContext(I18nContext)
  if (v === null) throw new Error('useI18n outside I18nProvider')
  return v
}
