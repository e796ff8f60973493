/**
 * npm run tune — grid search of keyword-retrieval weights on the eval DEV split only (the test split is never
 * read here). Prints the best settings by mean hit@3 over the three languages; copy them into
 * DEFAULT_KEYWORD_TUNING by hand, then report the test split with npm run eval.
 */
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { loadConsultationRuntime } from '../adapters/node/consultation-runtime.js'
import { KeywordIndex, DEFAULT_KEYWORD_TUNING, type KeywordTuning } from '../core/retrieval/keyword-index.js'
import { DEFAULT_FUSION_TUNING, type FusionTuning } from '../core/retrieval/retriever.js'
import { LANGS } from '../core/knowledge/schema.js'
import { loadEvalSet } from './eval-set.js'

const runtime = loadConsultationRuntime({ cacheDir: join(tmpdir(), 'fabao-index-cache') })
const base: KeywordIndex = runtime.retriever.index
const dev = loadEvalSet().filter((i) => i.split === 'dev' && i.kind === 'retrieval')

type Tuning = KeywordTuning & FusionTuning & { fusionK: number }

function score(tuning: Tuning): { mean: number; perLang: number[] } {
  const { k: _k, ...rest } = tuning
  const retriever = runtime.retriever.withTuning(base.withTuning({ ...tuning, k: 1.2 }), { ...rest, k: tuning.fusionK })
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

const grid: Record<string, number[]> = {
  native: [0.3],
  expansionZh: [4],
  expansionTranslated: [0.3],
  title: [0],
  visitorLawPrior: [1, 1.5],
  b: [0.7],
  fusionK: [5, 20, 60],
  topicWeight: [0, 0.5, 1, 2, 4],
  minTopicTerms: [1, 2, 3],
  topics: [1, 2, 3],
}
const defaults: Tuning = { ...DEFAULT_KEYWORD_TUNING, ...DEFAULT_FUSION_TUNING, fusionK: DEFAULT_FUSION_TUNING.k, k: 1.2 }
let best = { tuning: defaults, ...score(defaults) }
console.log('default', best.mean.toFixed(3), best.perLang.map((x) => x.toFixed(3)).join(' '))
const combos = Object.keys(grid).reduce<Tuning[]>(
  (acc, key) => acc.flatMap((t) => grid[key]!.map((v) => ({ ...t, [key]: v }))),
  [{ ...defaults }],
)
for (const tuning of combos) {
  const result = score(tuning)
  if (result.mean > best.mean) {
    best = { tuning, ...result }
    console.log(JSON.stringify(tuning), result.mean.toFixed(3), result.perLang.map((x) => x.toFixed(3)).join(' '))
  }
}
