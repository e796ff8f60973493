/**
 * npm run knowledge:stamp — fills `zhSha256` in knowledge/translations/{ru,en}/*.json for entries that have none,
 * (or only for the law ids given as arguments) with the sha256 of the zh text they translate now. Entries that already carry a hash are left alone: a mismatch
 * there is a stale translation, which `knowledge:check` reports.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LawSchema, TranslationFileSchema } from '../core/knowledge/schema.js'
import { KNOWLEDGE_DIR } from './paths.js'

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

const only = new Set(process.argv.slice(2))
for (const lang of ['ru', 'en']) {
  const dir = join(KNOWLEDGE_DIR, 'translations', lang)
  if (!existsSync(dir)) continue
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && (only.size === 0 || only.has(f.slice(0, -5))))) {
    const path = join(dir, file)
    const translation = TranslationFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
    const law = LawSchema.parse(JSON.parse(readFileSync(join(KNOWLEDGE_DIR, 'laws', `${translation.lawId}.json`), 'utf8')))
    let stamped = 0
    for (const [number, entry] of Object.entries(translation.articles)) {
      const article = law.articles.find((a) => a.number === Number(number))
      if (!article) throw new Error(`${path}: article ${number} does not exist in ${law.id}`)
      if (!entry.zhSha256) {
        entry.zhSha256 = sha256(article.zh)
        stamped++
      }
    }
    const ordered = Object.fromEntries(Object.entries(translation.articles).sort((a, b) => Number(a[0]) - Number(b[0])))
    writeFileSync(path, JSON.stringify({ ...translation, articles: ordered }, null, 2) + '\n')
    console.log(`${lang}/${file}: ${Object.keys(ordered).length} articles, ${stamped} stamped`)
  }
}
