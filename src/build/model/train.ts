import type { KnowledgeBundle } from '../../core/knowledge/schema.js'
import { WordPieceTokenizer } from '../../core/embedding/wordpiece.js'
import { trainingUnits, unitText } from './corpus.js'
import { tokenizerJson } from './export.js'
import { randomizedSvd, seededRandom, type SparseRows } from './lsi.js'
import { buildVocab, termOf, type VocabOptions } from './vocab.js'

/**
 * Cross-language LSI: a document×term tf-idf matrix whose documents each hold the same content in zh, ru and en,
 * a truncated SVD, and per token the row idf(t)·V(t)·S^-α, so that the mean of a text's token rows is (up to scale)
 * the LSI fold-in of the text. Tokens without a term of their own (word endings, specials) get zero rows.
 */

export interface TrainOptions {
  dimension: number
  /** Token row = idf · V · S^-alpha. */
  alpha: number
  seed: number
  powerIterations: number
  oversample: number
  /** Include the zh text of a topic's articles in the topic's training unit. */
  topicArticles: boolean
  /** Weight of the rows of documents that exist only in Chinese (untranslated articles). */
  zhOnlyWeight: number
  vocab: VocabOptions
  maxTokens: number
  maxInputCharsPerWord: number
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  dimension: 256,
  alpha: 0.25,
  seed: 20240601,
  powerIterations: 3,
  oversample: 24,
  topicArticles: true,
  zhOnlyWeight: 0.1,
  vocab: { minZhWordCount: 2, minStemCount: 1, minNumberCount: 2 },
  maxTokens: 8192,
  maxInputCharsPerWord: 256,
}

export interface TrainedModel {
  vocab: string[]
  tokenizerJson: Record<string, unknown>
  tokenizer: WordPieceTokenizer
  /** vocab.length × dimension, row-major. */
  table: Float32Array
  stats: { units: number; terms: number; nonZeros: number; singularValues: number[] }
}

export function trainStaticModel(bundle: KnowledgeBundle, options: TrainOptions, heldOut?: ReadonlySet<string>): TrainedModel {
  const units = trainingUnits(bundle, { heldOut: heldOut ?? new Set(), topicArticles: options.topicArticles })
  const texts = units.map(unitText)
  const zhTerms = bundle.glossary.flatMap((e) => [...e.zh, ...e.zhColloquial])
  const vocab = buildVocab({ texts, zhTerms }, options.vocab)
  const json = tokenizerJson(vocab, options.maxInputCharsPerWord)
  const tokenizer = new WordPieceTokenizer(json, { model_max_length: options.maxTokens })

  const termIndex = new Map<string, number>()
  const tokenTerm = new Int32Array(vocab.length).fill(-1)
  vocab.forEach((token, id) => {
    const term = termOf(token)
    if (term === null) return
    let t = termIndex.get(term)
    if (t === undefined) termIndex.set(term, (t = termIndex.size))
    tokenTerm[id] = t
  })
  const terms = termIndex.size

  const docCounts: Map<number, number>[] = texts.map((text) => {
    const counts = new Map<number, number>()
    for (const token of tokenizer.tokenize(text)) {
      const id = tokenizer.idOf(token)
      const t = id === undefined ? -1 : tokenTerm[id]!
      if (t >= 0) counts.set(t, (counts.get(t) ?? 0) + 1)
    }
    return counts
  })
  const df = new Float64Array(terms)
  for (const counts of docCounts) for (const t of counts.keys()) df[t]!++
  const idf = new Float64Array(terms)
  for (let t = 0; t < terms; t++) idf[t] = df[t]! > 0 ? Math.log(units.length / df[t]!) : 0

  const matrix: SparseRows = { rows: units.length, cols: terms, index: [], value: [] }
  let nonZeros = 0
  docCounts.forEach((counts, d) => {
    const unit = units[d]!
    const weight = unit.ru.length === 0 && unit.en.length === 0 ? options.zhOnlyWeight : 1
    const entries = [...counts.entries()].sort((a, b) => a[0] - b[0])
    const index = Int32Array.from(entries.map(([t]) => t))
    const value = Float64Array.from(entries.map(([t, n]) => (1 + Math.log(n)) * idf[t]!))
    let norm = 0
    for (const v of value) norm += v * v
    norm = Math.sqrt(norm) || 1
    for (let i = 0; i < value.length; i++) value[i] = (value[i]! / norm) * weight
    matrix.index.push(index)
    matrix.value.push(value)
    nonZeros += index.length
  })

  const k = options.dimension
  const svd = randomizedSvd(matrix, k, { oversample: options.oversample, powerIterations: options.powerIterations, seed: options.seed })
  const weights = Array.from(svd.s, (s) => (s > 0 ? s ** -options.alpha : 0))
  const table = new Float32Array(vocab.length * k)
  for (let id = 0; id < vocab.length; id++) {
    const t = tokenTerm[id]!
    if (t < 0 || idf[t] === 0) continue
    for (let j = 0; j < k; j++) table[id * k + j] = idf[t]! * svd.v[t * k + j]! * weights[j]!
  }
  return {
    vocab,
    tokenizerJson: json,
    tokenizer,
    table,
    stats: { units: units.length, terms, nonZeros, singularValues: Array.from(svd.s.slice(0, 8), (s) => Number(s.toFixed(4))) },
  }
}

/** A seeded choice of about `fraction` of the articles that have a translation. */
export function chooseHeldOut(translatedIds: readonly string[], fraction: number, seed: number): Set<string> {
  const random = seededRandom(seed)
  return new Set([...translatedIds].sort().filter(() => random() < fraction))
}
