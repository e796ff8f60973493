/**
 * npm run knowledge:build — imports ../shared/regulations/zh/*.md into knowledge/laws/<lawId>.json.
 * The output is generated and committed; never edit it by hand. Translations, glossary and guidance are not touched.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CatalogSchema, LawSchema, type Law } from '../core/knowledge/schema.js'
import { parseRegulation } from '../core/knowledge/parse-regulation.js'
import { KNOWLEDGE_DIR, SHARED_REGULATIONS_DIR } from './paths.js'

export function importLaws(regulationsDir: string): Law[] {
  const catalog = CatalogSchema.parse(JSON.parse(readFileSync(join(KNOWLEDGE_DIR, 'catalog.json'), 'utf8')))
  const files = readdirSync(regulationsDir).filter((f) => f.endsWith('.md')).sort()
  const ids = files.map((f) => f.slice(0, -3))
  const missing = catalog.laws.filter((l) => !ids.includes(l.id)).map((l) => l.id)
  const uncatalogued = ids.filter((id) => !catalog.laws.some((l) => l.id === id))
  if (missing.length || uncatalogued.length) {
    throw new Error(`catalog and sources differ — no source: [${missing}], not in catalog: [${uncatalogued}]`)
  }
  return catalog.laws.map((entry) => {
    const parsed = parseRegulation(readFileSync(join(regulationsDir, `${entry.id}.md`), 'utf8'))
    if (!entry.titles.zh.full.startsWith(parsed.titles[0] ?? '\u0000')) {
      throw new Error(`${entry.id}: catalog title "${entry.titles.zh.full}" does not match source "${parsed.titles[0]}"`)
    }
    return LawSchema.parse({
      ...entry,
      history: parsed.history,
      source: `${catalog.source}; file ${entry.id}.md`,
      articles: parsed.articles,
    })
  })
}

function main(): void {
  const laws = importLaws(SHARED_REGULATIONS_DIR)
  const outDir = join(KNOWLEDGE_DIR, 'laws')
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  for (const law of laws) writeFileSync(join(outDir, `${law.id}.json`), JSON.stringify(law, null, 2) + '\n')
  const total = laws.reduce((n, l) => n + l.articles.length, 0)
  console.log(`knowledge:build — ${laws.length} laws, ${total} articles → knowledge/laws/`)
}

if (import.meta.url === `file://${process.argv[1]}`) main()
