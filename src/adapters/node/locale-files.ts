import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Resource } from 'i18next'
import { LANGS } from '../../core/knowledge/schema.js'

/** Reads locales/{zh,ru,en}/*.json into an i18next resource, one namespace per file (translation, privacy, …). */
export function loadLocales(localesDir: string): Resource {
  const resources: Resource = {}
  for (const lang of LANGS) {
    const dir = join(localesDir, lang)
    resources[lang] = Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
    )
  }
  return resources
}
