import type { WordPieceTokenizer } from '../../core/embedding/wordpiece.js'
import { KnowledgeBase } from '../../core/knowledge/knowledge-base.js'
import type { KnowledgeBundle } from '../../core/knowledge/schema.js'
import { articlePassage } from '../../core/retrieval/dense-index.js'
import { seededRandom } from './lsi.js'
import { articleTexts, triggerKey, type TriggerLang } from './corpus.js'

/**
 * The model's own quality check (no eval set): cross-lingual retrieval of held-out articles — the ru/en translation
 * as the query, the zh article text among all articles' zh vectors; retrieval of situation topics from held-out
 * trigger phrases (short colloquial questions) among all articles embedded as the dense index embeds them; and a
 * few hand-written paraphrases and colloquial probes.
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

/**
 * All articles embedded as production passages (`articlePassage`: law short title, zh, ru, en, topic triggers and
 * glossary concept variants), without the held-out trigger phrases so that they are not found by their own words.
 */
export function indexPassages(bundle: KnowledgeBundle, embed: EmbedFn, heldOutTriggers: ReadonlySet<string> = new Set()): ArticleIndex {
  const knowledge = new KnowledgeBase(bundle)
  const ids = [...articleTexts(bundle).keys()]
  const keep = (topicId: string, lang: TriggerLang, phrase: string) => !heldOutTriggers.has(triggerKey(topicId, lang, phrase))
  return { ids, vectors: ids.map((id) => embed(articlePassage(knowledge, id, keep))) }
}

export const TRIGGER_LANGS: readonly TriggerLang[] = ['zh', 'ru', 'en']

/** A seeded choice of about `fraction` of each topic's trigger phrases per language (at least one each). */
export function chooseHeldOutTriggers(bundle: KnowledgeBundle, fraction: number, seed: number): Set<string> {
  const random = seededRandom(seed)
  const out = new Set<string>()
  for (const topic of [...bundle.topics].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    for (const lang of TRIGGER_LANGS) {
      const phrases = topic.triggers[lang]
      const count = Math.max(1, Math.round(phrases.length * fraction))
      const order = phrases.map((p) => ({ p, r: random() })).sort((a, b) => a.r - b.r)
      for (const { p } of order.slice(0, count)) out.add(triggerKey(topic.id, lang, p))
    }
  }
  return out
}

export interface TopicMetrics {
  queries: number
  hit3: number
  hit10: number
  mrr: number
}

/** Rank (1-based, 0 if absent) of the best of `wanted` articles for a query. */
export function bestRank(index: ArticleIndex, query: Float32Array, wanted: ReadonlySet<string>): number {
  return rank(index, query).findIndex((x) => wanted.has(x.id)) + 1
}

/** Held-out trigger phrase as the query; a hit is any of its topic's articles. */
export function topicTriggerMetrics(bundle: KnowledgeBundle, embed: EmbedFn, index: ArticleIndex, held: ReadonlySet<string>, lang: TriggerLang): TopicMetrics {
  let queries = 0
  let hit3 = 0
  let hit10 = 0
  let rr = 0
  for (const topic of bundle.topics) {
    const wanted = new Set(topic.articles)
    for (const phrase of topic.triggers[lang]) {
      if (!held.has(triggerKey(topic.id, lang, phrase))) continue
      const r = bestRank(index, embed(phrase), wanted)
      queries++
      if (r >= 1 && r <= 3) hit3++
      if (r >= 1 && r <= 10) hit10++
      if (r >= 1) rr += 1 / r
    }
  }
  const round = (x: number) => Number(x.toFixed(3))
  return { queries, hit3: round(hit3 / queries), hit10: round(hit10 / queries), mrr: round(rr / queries) }
}

/** Short colloquial questions of our own (not eval questions, not trigger phrases) and the topic whose articles they want. */
export const COLLOQUIAL_PROBES: readonly { lang: TriggerLang; text: string; topic: string }[] = [
  { lang: 'zh', text: '护照被偷了', topic: 'stay-lost-stolen-passport' },
  { lang: 'zh', text: '签证到期了还没走', topic: 'stay-overstay-fine' },
  { lang: 'zh', text: '出租车绕路多收钱', topic: 'consumer-taxi-overcharge' },
  { lang: 'zh', text: '饭店海鲜按斤算价钱翻倍', topic: 'consumer-price-per-weight-trick' },
  { lang: 'zh', text: '导游把我们关在店里不买不让走', topic: 'tour-forced-shopping' },
  { lang: 'zh', text: '买的琥珀是塑料的', topic: 'consumer-fake-amber-jade' },
  { lang: 'zh', text: '酒店押金一直不退给我', topic: 'consumer-hotel-deposit-withheld' },
  { lang: 'zh', text: '喝醉了跟人打起来了', topic: 'stay-fight-assault-threat' },
  { lang: 'zh', text: '钱包在街上被人偷了', topic: 'stay-theft-victim' },
  { lang: 'zh', text: '吃了路边摊拉肚子', topic: 'consumer-food-poisoning' },
  { lang: 'ru', text: 'нас три часа держали в магазине с камнями', topic: 'tour-forced-shopping' },
  { lang: 'ru', text: 'меня обвесили на рынке', topic: 'consumer-short-weight-rigged-scale' },
  { lang: 'ru', text: 'у меня украли паспорт', topic: 'stay-lost-stolen-passport' },
  { lang: 'ru', text: 'виза кончилась а я ещё тут', topic: 'stay-overstay-fine' },
  { lang: 'ru', text: 'таксист катал нас по городу и взял втрое больше', topic: 'consumer-taxi-overcharge' },
  { lang: 'ru', text: 'шуба оказалась не норка а кролик', topic: 'consumer-fake-fur-coat' },
  { lang: 'ru', text: 'гостиница не отдаёт залог', topic: 'consumer-hotel-deposit-withheld' },
  { lang: 'ru', text: 'отравился в кафе', topic: 'consumer-food-poisoning' },
  { lang: 'ru', text: 'гид бросил нас и уехал', topic: 'tour-guide-abandoned-group' },
  { lang: 'ru', text: 'телефон сломался через неделю, не меняют', topic: 'consumer-defective-goods-refund-refused' },
  { lang: 'en', text: 'someone stole my passport', topic: 'stay-lost-stolen-passport' },
  { lang: 'en', text: 'my visa ran out and I am still here', topic: 'stay-overstay-fine' },
  { lang: 'en', text: 'the cab driver took the long way and charged double', topic: 'consumer-taxi-overcharge' },
  { lang: 'en', text: 'they weighed the crab and the bill was huge', topic: 'consumer-price-per-weight-trick' },
  { lang: 'en', text: 'we were stuck in a gem store for three hours', topic: 'tour-forced-shopping' },
  { lang: 'en', text: 'the scale at the market was rigged', topic: 'consumer-short-weight-rigged-scale' },
  { lang: 'en', text: 'hotel kept my deposit', topic: 'consumer-hotel-deposit-withheld' },
  { lang: 'en', text: 'got sick after eating at a cafe', topic: 'consumer-food-poisoning' },
  { lang: 'en', text: 'our guide left us at the hotel and disappeared', topic: 'tour-guide-abandoned-group' },
  { lang: 'en', text: 'the amber I bought turned out to be plastic', topic: 'consumer-fake-amber-jade' },
]
