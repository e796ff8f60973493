import type { WordPieceTokenizer } from '../../core/embedding/wordpiece.js'
import type { KnowledgeBundle } from '../../core/knowledge/schema.js'
import { articleTexts } from './corpus.js'

/**
 * The model's own quality check (no eval set): cross-lingual retrieval of held-out articles — the ru/en translation
 * as the query, the zh article text among all articles' zh vectors — and a few hand-written paraphrases.
 */

export type EmbedFn = (text: string) => Float32Array

/** Mean of float token rows, L2-normalised (the arithmetic of the shipped model, before quantization). */
export function floatEmbedder(tokenizer: WordPieceTokenizer, table: Float32Array, dimension: number): EmbedFn {
  return (text) => {
    const ids = tokenizer.encode(text)
    const out = new Float32Array(dimension)
    for (const id of ids) for (let j = 0; j < dimension; j++) out[j]! += table[id * dimension + j]!
    let norm = 0
    for (const v of out) norm += v * v
    norm = Math.sqrt(norm)
    if (norm > 0) for (let j = 0; j < dimension; j++) out[j]! /= norm
    return out
  }
}

export interface ArticleIndex {
  ids: string[]
  vectors: Float32Array[]
}

export function indexArticles(bundle: KnowledgeBundle, embed: EmbedFn): ArticleIndex {
  const texts = articleTexts(bundle)
  const ids = [...texts.keys()]
  return { ids, vectors: ids.map((id) => embed(texts.get(id)!.zh)) }
}

export function rank(index: ArticleIndex, query: Float32Array): { id: string; score: number }[] {
  const scored = index.ids.map((id, i) => {
    const v = index.vectors[i]!
    let s = 0
    for (let j = 0; j < v.length; j++) s += v[j]! * query[j]!
    return { id, score: s }
  })
  return scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
}

export interface RetrievalMetrics {
  queries: number
  hit1: number
  hit10: number
  mrr: number
}

export function heldOutMetrics(bundle: KnowledgeBundle, embed: EmbedFn, index: ArticleIndex, ids: Iterable<string>, lang: 'ru' | 'en'): RetrievalMetrics {
  const texts = articleTexts(bundle)
  let queries = 0
  let hit1 = 0
  let hit10 = 0
  let rr = 0
  for (const id of ids) {
    const query = texts.get(id)?.[lang]
    if (!query) continue
    const r = rank(index, embed(query)).findIndex((x) => x.id === id) + 1
    queries++
    if (r === 1) hit1++
    if (r >= 1 && r <= 10) hit10++
    if (r >= 1) rr += 1 / r
  }
  const round = (x: number) => Number(x.toFixed(3))
  return { queries, hit1: round(hit1 / queries), hit10: round(hit10 / queries), mrr: round(rr / queries) }
}

/** Hand-written paraphrases (ours, not eval questions) and the article each should come near. */
export const PARAPHRASES: readonly { text: string; expect: string }[] = [
  { text: 'they dumped us in a jade shop for three hours', expect: 'tourism-law:35' },
  { text: 'меня заставили покупать в магазине на экскурсии', expect: 'tourism-law:35' },
  { text: '导游强迫我们购物', expect: 'tourism-law:35' },
  { text: '饭店按斤称海鲜价格太贵', expect: 'price-law:13' },
  { text: 'the restaurant charged much more than the menu price', expect: 'price-law:13' },
  { text: 'в ресторане взяли больше, чем в меню', expect: 'price-law:13' },
  { text: 'I bought a fake fur coat, the seller said it was real mink', expect: 'consumer-rights-protection-law:55' },
  { text: 'продали поддельную шубу, хочу вернуть деньги', expect: 'consumer-rights-protection-law:55' },
  { text: '买到假货要求退一赔三', expect: 'consumer-rights-protection-law:55' },
  { text: 'my visa expired and I stayed two extra days', expect: 'exit-entry-administration-law:78' },
  { text: 'просрочил визу на три дня, какой штраф', expect: 'exit-entry-administration-law:78' },
  { text: '签证过期了还在中国待了几天', expect: 'exit-entry-administration-law:78' },
]
