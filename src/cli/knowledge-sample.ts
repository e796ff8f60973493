/**
 * npm run knowledge:sample -- --seed N [--count 20] — prints translated articles chosen at random (reproducibly, by
 * seed) beside their zh text, for an independent review of faithfulness and completeness
 * (knowledge/translations/REVIEW.md records each review).
 */
import { loadKnowledgeBundle } from '../adapters/node/knowledge-files.js'
import { KNOWLEDGE_DIR } from './paths.js'
import { seededRandom } from '../build/model/lsi.js'


const args = process.argv.slice(2)
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const seed = Number(arg('--seed') ?? NaN)
const count = Number(arg('--count') ?? 20)
if (!Number.isInteger(seed)) {
  console.error('usage: npm run knowledge:sample -- --seed N [--count 20]')
  process.exit(2)
}
const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
const laws = new Map(bundle.laws.map((l) => [l.id, l]))
const byArticle = new Map<string, { ru?: string; en?: string }>()
for (const file of bundle.translations) {
  for (const [n, entry] of Object.entries(file.articles)) {
    const id = `${file.lawId}:${n}`
    byArticle.set(id, { ...byArticle.get(id), [file.lang]: entry.text })
  }
}
const ids = [...byArticle.keys()].sort()
const random = seededRandom(seed)
for (let i = ids.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1))
  ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
}
for (const id of ids.slice(0, count)) {
  const [lawId, n] = id.split(':')
  const law = laws.get(lawId!)!
  const zh = law.articles.find((a) => a.number === Number(n))!.zh
  const t = byArticle.get(id)!
  console.log(`=== ${id} — ${law.titles.zh.full} (${law.version})\n--- zh\n${zh}\n--- ru\n${t.ru ?? '(none)'}\n--- en\n${t.en ?? '(none)'}\n`)
}
