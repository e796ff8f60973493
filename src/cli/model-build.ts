/**
 * npm run model:build — trains the bundled static embedding model (cross-language LSI over knowledge/) and writes
 * knowledge/model/fabao-static/ (transformers.js folder + matrix.bin for the pure-JS embedder).
 *
 * First a quality check: a model trained without the ru/en translations of a seeded 10% of the translated articles
 * and without a seeded 20% of the topics' trigger phrases, asked with those translations for the zh article and with
 * those trigger phrases (short colloquial questions) for their topic's articles among all article passages; then the model that ships, trained on everything. The output
 * bytes depend only on knowledge/ and the options (no timestamps), so a rerun writes the same files.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { loadKnowledgeBundle } from '../adapters/node/knowledge-files.js'
import { articleTexts } from '../build/model/corpus.js'
import { buildModelFiles, writeModelFolder } from '../build/model/export.js'
import {
  bestRank,
  chooseHeldOutTriggers,
  COLLOQUIAL_PROBES,
  floatEmbedder,
  heldOutMetrics,
  indexArticles,
  indexPassages,
  PARAPHRASES,
  rank,
  topicTriggerMetrics,
  TRIGGER_LANGS,
  type RetrievalMetrics,
  type TopicMetrics,
} from '../build/model/quality.js'
import { chooseHeldOut, DEFAULT_TRAIN_OPTIONS, trainStaticModel, type TrainedModel } from '../build/model/train.js'
import { KNOWLEDGE_DIR } from './paths.js'

const HELD_OUT_FRACTION = 0.1
const HELD_OUT_SEED = 7
const HELD_OUT_TRIGGER_FRACTION = 0.2
const HELD_OUT_TRIGGER_SEED = 11
const OUT_DIR = join(KNOWLEDGE_DIR, 'model', 'fabao-static')

function evaluate(model: TrainedModel, held: ReadonlySet<string>, triggers: ReadonlySet<string>, bundle: ReturnType<typeof loadKnowledgeBundle>) {
  const embed = floatEmbedder(model.tokenizer, model.table, DEFAULT_TRAIN_OPTIONS.dimension)
  const index = indexArticles(bundle, embed)
  const passages = indexPassages(bundle, embed, triggers)
  const metrics = { ru: heldOutMetrics(bundle, embed, index, held, 'ru'), en: heldOutMetrics(bundle, embed, index, held, 'en') }
  const topicTriggers = Object.fromEntries(TRIGGER_LANGS.map((l) => [l, topicTriggerMetrics(bundle, embed, passages, triggers, l)])) as Record<
    (typeof TRIGGER_LANGS)[number],
    TopicMetrics
  >
  const topics = new Map(bundle.topics.map((t) => [t.id, new Set(t.articles)]))
  const probes = COLLOQUIAL_PROBES.map((p) => ({ ...p, rank: bestRank(passages, embed(p.text), topics.get(p.topic) ?? new Set()) }))
  const paraphrases = PARAPHRASES.map((p) => {
    const ranked = rank(index, embed(p.text))
    return { text: p.text, expect: p.expect, rank: ranked.findIndex((r) => r.id === p.expect) + 1, top3: ranked.slice(0, 3).map((r) => r.id) }
  })
  return { metrics, paraphrases, topicTriggers, probes }
}

const show = (m: RetrievalMetrics) => `n=${m.queries} hit@1 ${m.hit1} hit@10 ${m.hit10} MRR ${m.mrr}`
const showTopic = (m: TopicMetrics) => `n=${m.queries} hit@3 ${m.hit3} hit@10 ${m.hit10} MRR ${m.mrr}`

const started = Date.now()
const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
const options = DEFAULT_TRAIN_OPTIONS
const translated = [...articleTexts(bundle)].filter(([, a]) => a.ru || a.en).map(([id]) => id)
const held = chooseHeldOut(translated, HELD_OUT_FRACTION, HELD_OUT_SEED)
const triggers = chooseHeldOutTriggers(bundle, HELD_OUT_TRIGGER_FRACTION, HELD_OUT_TRIGGER_SEED)

console.log(`held-out check: ${held.size} of ${translated.length} translated articles lose their ru/en text in training, and ${triggers.size} topic trigger phrases are left out`)
const heldModel = trainStaticModel(bundle, options, { articles: held, triggers })
const heldResult = evaluate(heldModel, held, triggers, bundle)
console.log(`  ru → zh: ${show(heldResult.metrics.ru)}`)
console.log(`  en → zh: ${show(heldResult.metrics.en)}`)
console.log('  held-out trigger phrase → any article of its topic, among all article passages (law title + zh + ru + en):')
for (const l of TRIGGER_LANGS) console.log(`    ${l}: ${showTopic(heldResult.topicTriggers[l])}`)

console.log('training on everything (ships)')
const model = trainStaticModel(bundle, options)
const fullResult = evaluate(model, held, triggers, bundle)
console.log(`  same queries, now seen in training — ru → zh: ${show(fullResult.metrics.ru)}; en → zh: ${show(fullResult.metrics.en)}`)
console.log('  paraphrases (rank of the expected article among all articles; top 3):')
for (const p of fullResult.paraphrases) console.log(`    ${p.rank.toString().padStart(4)}  ${p.text}  →  ${p.top3.join(', ')}  (want ${p.expect})`)
console.log('  colloquial probes (rank of the best article of the topic among all article passages; 0 = none):')
for (const p of fullResult.probes) console.log(`    ${p.rank.toString().padStart(4)}  [${p.lang}] ${p.text}  (${p.topic})`)

const { files, meta } = buildModelFiles({
  vocab: model.vocab,
  table: model.table,
  dimension: options.dimension,
  maxTokens: options.maxTokens,
  maxInputCharsPerWord: options.maxInputCharsPerWord,
  name: 'fabao-static',
  build: {
    method:
      'cross-language LSI: document×term tf-idf over parallel zh/ru/en units of knowledge/ (articles with their translations, glossary entries, topic triggers with their articles, guidance card parts), randomized truncated SVD; stop words (lexicon lists and colloquial function words) get zero rows and stay out of the matrix; token row = idf·V·S^-alpha; 8-bit per-row quantization',
    knowledgeHash: bundle.hash,
    options,
    corpus: { units: model.stats.units, terms: model.stats.terms, nonZeros: model.stats.nonZeros },
    heldOut: { fraction: HELD_OUT_FRACTION, seed: HELD_OUT_SEED, articles: held.size, ...heldResult.metrics },
    heldOutTopicTriggers: { fraction: HELD_OUT_TRIGGER_FRACTION, seed: HELD_OUT_TRIGGER_SEED, phrases: triggers.size, ...heldResult.topicTriggers },
    licence: "built only from the project's own knowledge/ data; no third-party weights",
  },
})
writeModelFolder(OUT_DIR, files)
let total = 0
for (const name of [...files.keys()].sort()) {
  const size = statSync(join(OUT_DIR, name)).size
  total += size
  console.log(`  ${relative(process.cwd(), join(OUT_DIR, name))}  ${(size / 1e6).toFixed(2)} MB`)
}
const modelDirTotal = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? modelDirTotal(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0)
console.log(`model ${meta.modelId}: dim ${meta.dimension}, vocab ${meta.vocabSize}, ${(total / 1e6).toFixed(2)} MB (knowledge/model ${(modelDirTotal(join(KNOWLEDGE_DIR, 'model')) / 1e6).toFixed(2)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
