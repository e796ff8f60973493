import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Resource } from 'i18next'
import { LANGS } from '../../core/knowledge/schema.js'

/** Reads locales/{zh,ru,en}/translation.json into an i18next resource. */
export function loadLocales(localesDir: string): Resource {
  const resources: Resource = {}
  for (const lang of LANGS) {
    resources[lang] = { translation: JSON.parse(readFileSync(join(localesDir, lang, 'translation.json'), 'utf8')) }
  }
  return resources
}
