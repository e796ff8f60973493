import i18next, { type i18n, type Resource } from 'i18next'
import { LANGS, type Lang } from './knowledge/schema.js'

export type Translate = (key: string, options?: Record<string, unknown>) => string

/**
 * An i18next instance of our own (never the global one) over the locale files the adapter loaded.
 * Russian plurals use i18next plural keys (_one, _few, _many, _other).
 */
export function createI18n(resources: Resource): i18n {
  const instance = i18next.createInstance()
  void instance.init({
    resources,
    supportedLngs: [...LANGS],
    fallbackLng: false,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  return instance
}

export function translatorFor(i18n: i18n, lang: Lang): Translate {
  const t = i18n.getFixedT(lang)
  return (key, options) => t(key, options) as string
}

/** A list of strings from the locales (returnObjects). */
export function listFor(i18n: i18n, lang: Lang, key: string): string[] {
  const value = i18n.getFixedT(lang)(key, { returnObjects: true }) as unknown
  return Array.isArray(value) ? value.map(String) : []
}
