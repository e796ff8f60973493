import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src/adapters/node/consultation-runtime.js'
import { loadLocales } from '../src/adapters/node/locale-files.js'
import { createI18n, translatorFor } from '../src/core/i18n.js'

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : [],
  )

/** Source text with comments removed, so that only code (strings, regexes, templates) is checked. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1')
}

const flattenKeys = (value: unknown, prefix = ''): string[] =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value).flatMap(([k, v]) => flattenKeys(v, prefix ? `${prefix}.${k}` : k))
    : [prefix.replace(/_(zero|one|two|few|many|other)$/, '')]

describe('i18n', () => {
  it('has no CJK or Cyrillic literal anywhere in src/ code: user-facing text lives in locales/', () => {
    // src/build/ is the model-building tool: its probe sentences are build-time test data, never shown to a user.
    const shipped = sourceFiles(join(REPO_ROOT, 'src')).filter((file) => !file.startsWith(join(REPO_ROOT, 'src', 'build')))
    const offenders = shipped.flatMap((file) =>
      withoutComments(readFileSync(file, 'utf8'))
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => /[\p{Script=Han}\p{Script=Cyrillic}]/u.test(line))
        .map(({ i }) => `${file.slice(REPO_ROOT.length + 1)}:${i + 1}`),
    )
    expect(offenders).toEqual([])
  })

  it('has the same keys in zh, ru and en (plural forms aside)', () => {
    const resources = loadLocales(join(REPO_ROOT, 'locales'))
    const keys = (lang: string) => [...new Set(flattenKeys((resources[lang] as any).translation))].sort()
    expect(keys('ru')).toEqual(keys('en'))
    expect(keys('zh')).toEqual(keys('en'))
  })

  it('renders Russian plurals: 1 день, 2 дня, 5 дней, 21 день', () => {
    const t = translatorFor(createI18n(loadLocales(join(REPO_ROOT, 'locales'))), 'ru')
    expect([1, 2, 5, 21].map((count) => t('duration.days', { count }))).toEqual(['1 день', '2 дня', '5 дней', '21 день'])
  })

  it('uses a private i18next instance, not the global one', async () => {
    const i18next = (await import('i18next')).default
    createI18n(loadLocales(join(REPO_ROOT, 'locales')))
    expect(i18next.isInitialized).toBeFalsy()
  })
})
