import type { KnowledgeBundle } from '../../core/knowledge/schema.js'
import { WordPieceTokenizer } from '../../core/embedding/wordpiece.js'
import { trainingUnits, unitText, type TextUnit } from './corpus.js'
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
  /** Multiplier of a unit's row by kind (topic triggers and glossary entries are the colloquial side of the corpus). */
  kindWeight: Record<TextUnit['kind'], number>
  /** Give stop words (knowledge/lexicon stopWords plus EXTRA_STOP_WORDS) zero rows and leave them out of the matrix. */
  stopWords: boolean
  /** Token row = idf^rowIdfPower · df/(df + dfShrink) · V · S^-alpha: damps rare tokens, whose LSI vectors are noise. */
  rowIdfPower: number
  dfShrink: number
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
  zhOnlyWeight: 0.3,
  kindWeight: { article: 1, glossary: 1, topic: 2, card: 1 },
  stopWords: true,
  rowIdfPower: 1,
  dfShrink: 0,
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
  stats: { units: number; terms: number; nonZeros: number; stopTokens: number; singularValues: number[] }
}

/** Colloquial function words beyond the lexicons' stop lists (the words questions use and statutes rarely do). */
export const EXTRA_STOP_WORDS: readonly string[] = [
  ...['着', '过了', '啦', '么', '嘛', '呗', '咋', '咱', '咱们', '俺', '这么', '那么', '已经', '一直', '还是', '就是', '怎样', '怎么样', '好像'],
  ...['一点', '个', '得', '地', '又', '再', '才', '刚', '刚刚', '哎', '呃', '哈', '嘿', '喂', '他们', '人家', '居然', '竟然', '结果', '老是', '总是'],
  ...['весь', 'вся', 'всё', 'две', 'четыре', 'пять', 'почему', 'сколько', 'какого', 'какую', 'который', 'которая', 'которое', 'свой', 'своё'],
  ...['мой', 'моё', 'моей', 'моего', 'нашу', 'нашего', 'наша', 'вообще', 'типа', 'блин', 'короче', 'вроде', 'сказали', 'сказал', 'говорят'],
  ...['ago', 'still', 'even', 'two', 'three', 'four', 'five', 'lot', 'lots', 'much', 'many', 'around', 'back', 'anything', 'nothing', 'everything'],
  ...['nobody', 'somebody', 'guys', 'said', 'told', 'went', 'let', 'made', 'make', 'want', 'wanted', 'am', 'keep', 'kept', 'way', 'us'],
]

/** Which held-out material a model is trained without (for the quality checks). */
export interface HeldOut {
  /** Article ids whose ru/en translations are left out. */
  articles?: ReadonlySet<string>
  /** Topic trigger phrases left out (corpus `triggerKey`). */
  triggers?: ReadonlySet<string>
}

/**
 * Tokens that stand for stop words: a stop word that is a token of its own, and the first piece of a stop word when
 * at least 80% of the corpus words starting with that piece are stop words (so a stem shared with content words stays).
 */
function stopTokens(tokenizer: WordPieceTokenizer, texts: readonly string[], stopWords: ReadonlySet<string>): Set<string> {
  const out = new Set<string>()
  const usage = new Map<string, { stop: number; all: number }>()
  const words = new Map<string, number>()
  for (const text of texts) for (const w of text.normalize('NFKC').toLowerCase().match(/[\p{L}]+/gu) ?? []) if (!/\p{Script=Han}/u.test(w)) words.set(w, (words.get(w) ?? 0) + 1)
  for (const w of stopWords) if (!words.has(w)) words.set(w, 1)
  for (const [w, n] of words) {
    const first = tokenizer.tokenize(w)[0]
    if (!first) continue
    const u = usage.get(first) ?? { stop: 0, all: 0 }
    u.all += n
    if (stopWords.has(w)) u.stop += n
    usage.set(first, u)
  }
  for (const [token, u] of usage) if (u.stop >= 0.8 * u.all && u.stop > 0) out.add(token)
  for (const w of stopWords) if (/\p{Script=Han}/u.test(w)) {
    out.add(w)
    out.add(`##${w}`)
  }
  return out
}

export function trainStaticModel(bundle: KnowledgeBundle, options: TrainOptions, heldOut: HeldOut = {}): TrainedModel {
  const units = trainingUnits(bundle, { heldOut: heldOut.articles ?? new Set(), heldOutTriggers: heldOut.triggers, topicArticles: options.topicArticles })
  const texts = units.map(unitText)
  const zhTerms = bundle.glossary.flatMap((e) => [...e.zh, ...e.zhColloquial])
  const vocab = buildVocab({ texts, zhTerms }, options.vocab)
  const json = tokenizerJson(vocab, options.maxInputCharsPerWord)
  const tokenizer = new WordPieceTokenizer(json, { model_max_length: options.maxTokens })

  const stopWords = new Set(
    options.stopWords ? [...bundle.lexicons.zh.stopWords, ...bundle.lexicons.ru.stopWords, ...bundle.lexicons.en.stopWords, ...EXTRA_STOP_WORDS].map((w) => w.normalize('NFKC').toLowerCase()) : [],
  )
  const stops = options.stopWords ? stopTokens(tokenizer, texts, stopWords) : new Set<string>()
  const termIndex = new Map<string, number>()
  const tokenTerm = new Int32Array(vocab.length).fill(-1)
  vocab.forEach((token, id) => {
    const term = termOf(token)
    if (term === null || stops.has(token)) return
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
    const weight = (unit.ru.length === 0 && unit.en.length === 0 ? options.zhOnlyWeight : 1) * options.kindWeight[unit.kind]
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
    const scale = idf[t]! ** options.rowIdfPower * (options.dfShrink > 0 ? df[t]! / (df[t]! + options.dfShrink) : 1)
    for (let j = 0; j < k; j++) table[id * k + j] = scale * svd.v[t * k + j]! * weights[j]!
  }
  return {
    vocab,
    tokenizerJson: json,
    tokenizer,
    table,
    stats: { units: units.length, terms, nonZeros, stopTokens: stops.size, singularValues: Array.from(svd.s.slice(0, 8), (s) => Number(s.toFixed(4))) },
  }
}

/** A seeded choice of about `fraction` of the articles that have a translation. */
export function chooseHeldOut(translatedIds: readonly string[], fraction: number, seed: number): Set<string> {
  const random = seededRandom(seed)
  return new Set([...translatedIds].sort().filter(() => random() < fraction))
}
