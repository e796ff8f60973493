/**
 * npm run tune — grid search of keyword-retrieval weights on the eval DEV split only (the test split is never
 * read here). Prints the best settings by mean hit@3 over the three languages; copy them into
 * DEFAULT_KEYWORD_TUNING by hand, then report the test split with npm run eval.
 */
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { loadConsultationRuntime } from '../adapters/node/consultation-runtime.js'
import { KeywordIndex, DEFAULT_KEYWORD_TUNING, type KeywordTuning } from '../core/retrieval/keyword-index.js'
import { KeywordRetriever } from '../core/retrieval/retriever.js'
import { LANGS } from '../core/knowledge/schema.js'
import { loadEvalSet } from './eval-set.js'

const runtime = loadConsultationRuntime({ cacheDir: join(tmpdir(), 'fabao-index-cache') })
const base = (runtime.retriever as unknown as { index: KeywordIndex }).index
const dev = loadEvalSet().filter((i) => i.split === 'dev' && i.kind === 'retrieval')

function score(tuning: KeywordTuning): { mean: number; perLang: number[] } {
  const retriever = new KeywordRetriever(base.withTuning(tuning))
  const perLang = LANGS.map((lang) => {
    let hits = 0
    for (const item of dev) {
      const q = item.questions[lang]
      const ranked = retriever.retrieve(q, runtime.analyzer.detectLanguage(q, lang), 3).ranked
      if (ranked.some((r) => item.expected.includes(r.id))) hits++
    }
    return hits / dev.length
  })
  return { mean: perLang.reduce((a, b) => a + b, 0) / perLang.length, perLang }
}

const grid = {
  native: [0.3, 0.6, 1],
  expansionZh: [1, 2, 4],
  expansionTranslated: [0.3, 1],
  title: [0, 0.3],
  visitorLawPrior: [1, 1.5, 2.5],
  k: [1.2],
  b: [0.4, 0.7, 0.9],
}
let best = { tuning: DEFAULT_KEYWORD_TUNING, ...score(DEFAULT_KEYWORD_TUNING) }
console.log('default', best.mean.toFixed(3), best.perLang.map((x) => x.toFixed(3)).join(' '))
const keys = Object.keys(grid) as (keyof typeof grid)[]
const combos = keys.reduce<KeywordTuning[]>(
  (acc, key) => acc.flatMap((t) => grid[key].map((v) => ({ ...t, [key]: v }))),
  [{ ...DEFAULT_KEYWORD_TUNING }],
)
for (const tuning of combos) {
  const result = score(tuning)
  if (result.mean > best.mean) {
    best = { tuning, ...result }
    console.log(JSON.stringify(tuning), result.mean.toFixed(3), result.perLang.map((x) => x.toFixed(3)).join(' '))
  }
}
