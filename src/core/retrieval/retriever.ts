import type { Embedder } from '../embedding/embedder.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Lang } from '../knowledge/schema.js'
import type { DenseHit, DenseIndex } from './dense-index.js'
import type { AnalyzedQuestion, KeywordIndex } from './keyword-index.js'
import type { TopicHit, TopicIndex } from './topic-index.js'

export interface RankedArticle {
  id: string
  /** Fused ranking score (higher is better; comparable within one question only). */
  score: number
  /** Share of the question's own terms this article accounts for, directly or through a glossary concept (0–1). */
  coverage: number
  /** How many distinct pieces of evidence matched: own terms, glossary concepts, or a situation topic's triggers. */
  evidence: number
  /** Cosine similarity of the question and the article in the embedding space (0 without dense retrieval). */
  similarity: number
}

export interface Retrieval {
  analyzed: AnalyzedQuestion
  topics: TopicHit[]
  ranked: RankedArticle[]
  /** Guidance cards nearest to the question in the embedding space, best first (empty without dense retrieval). */
  cards: DenseHit[]
}

/** Finds the articles for a question; the HTTP layer and answers do not know how. */
export interface ArticleRetriever {
  readonly knowledge: KnowledgeBase
  retrieve(question: string, lang: Lang, limit?: number): Promise<Retrieval>
}

export interface FusionTuning {
  /** Reciprocal-rank constant. */
  k: number
  /** Weight of situation topics against keyword ranks. */
  topicWeight: number
  /** Question terms a topic's triggers must match before it counts. */
  minTopicTerms: number
  /** Topics considered per question. */
  topics: number
}

/** Keyword hits fused by rank; hits down to KEYWORD_EVIDENCE_DEPTH only lend their evidence to topic articles. */
const KEYWORD_FUSION_DEPTH = 30
const KEYWORD_EVIDENCE_DEPTH = 100

/** Tuned with `npm run tune` on the eval dev split. */
export const DEFAULT_FUSION_TUNING: FusionTuning = { k: 5, topicWeight: 2, minTopicTerms: 2, topics: 2 }

/**
 * Keyword retrieval (BM25 with glossary expansion) fused by reciprocal rank with situation topics: a question that
 * matches a topic's everyday wording brings that topic's articles forward.
 */
export class KeywordRetriever implements ArticleRetriever {
  constructor(
    readonly index: KeywordIndex,
    readonly topicIndex: TopicIndex | null = null,
    readonly fusion: FusionTuning = DEFAULT_FUSION_TUNING,
  ) {}

  get knowledge(): KnowledgeBase {
    return this.index.knowledge
  }

  withTuning(index: KeywordIndex, fusion: FusionTuning): KeywordRetriever {
    return new KeywordRetriever(index, this.topicIndex, fusion)
  }

  async retrieve(question: string, lang: Lang, limit = 10): Promise<Retrieval> {
    return this.rank(question, lang, limit)
  }

  /** The keyword ranking, synchronously (tuning runs it thousands of times). */
  rank(question: string, lang: Lang, limit = 10): Retrieval {
    const analyzed = this.index.analyze(question, lang)
    const own = new Set(analyzed.terms)
    const { k, topicWeight, minTopicTerms } = this.fusion
    const candidates = new Map<string, RankedArticle>()
    const candidate = (id: string) => {
      let c = candidates.get(id)
      if (!c) candidates.set(id, (c = { id, score: 0, coverage: 0, evidence: 0, similarity: 0 }))
      return c
    }

    // Ranks beyond the fused depth still say how much of the question an article accounts for: a situation topic's
    // article found there keeps that evidence (its trigger words alone may be fewer).
    const deeper = new Map<string, { coverage: number; evidence: number }>()
    this.index.query(analyzed, KEYWORD_EVIDENCE_DEPTH).forEach((hit, rank) => {
      const matched = new Set(hit.matchedTerms)
      const covered = new Set([...own].filter((t) => matched.has(t)))
      let concepts = 0
      for (const concept of analyzed.concepts) {
        if (concept.expansion.some((t) => matched.has(t))) {
          concepts++
          for (const t of concept.covers) if (own.has(t)) covered.add(t)
        }
      }
      const support = { coverage: own.size ? covered.size / own.size : 0, evidence: covered.size + concepts }
      if (rank >= KEYWORD_FUSION_DEPTH) {
        deeper.set(hit.id, support)
        return
      }
      const c = candidate(hit.id)
      c.score += 1 / (k + rank + 1)
      c.coverage = support.coverage
      c.evidence = support.evidence
    })

    const topics = this.topicIndex
      ? this.topicIndex.match(analyzed.terms, lang, this.fusion.topics).filter((t) => new Set(t.matchedTerms).size >= minTopicTerms)
      : []
    topics.forEach((hit, topicRank) => {
      const strength = new Set(hit.matchedTerms).size
      hit.topic.articles.forEach((id, position) => {
        const fresh = !candidates.has(id)
        const c = candidate(id)
        const support = fresh ? deeper.get(id) : undefined
        if (support) Object.assign(c, support)
        c.score += topicWeight / ((k + topicRank + 1) * (1 + position * 0.5))
        c.evidence = Math.max(c.evidence, strength)
        c.coverage = Math.max(c.coverage, own.size ? Math.min(1, strength / own.size) : 0)
      })
    })

    const ranked = [...candidates.values()].sort((a, b) => b.score - a.score).slice(0, limit)
    for (const r of ranked) r.score = Math.round(r.score * 1e6) / 1e6
    return { analyzed, topics, ranked, cards: [] }
  }
}

export interface HybridTuning {
  /** Weight of the dense rank against the keyword and topic ranks (reciprocal-rank fusion). */
  denseWeight: number
  /** Reciprocal-rank constant of the dense list. */
  denseK: number
  /** Dense neighbours considered per question. */
  denseDepth: number
  /** Neighbours less similar than this are not fused at all. */
  minSimilarity: number
}

/** Tuned with `npm run tune -- --hybrid` on the eval dev split. */
export const DEFAULT_HYBRID_TUNING: HybridTuning = { denseWeight: 0.5, denseK: 1, denseDepth: 20, minSimilarity: 0 }

/**
 * Keyword retrieval (above) fused by reciprocal rank with dense retrieval: the question is embedded with the same
 * model as the precomputed article vectors, and its nearest articles are added to the keyword and topic ranks. The
 * dense similarity travels with each article so the confidence policy can weigh it.
 */
export class HybridRetriever implements ArticleRetriever {
  constructor(
    readonly keyword: KeywordRetriever,
    readonly dense: DenseIndex,
    readonly embedder: Embedder,
    readonly tuning: HybridTuning = DEFAULT_HYBRID_TUNING,
  ) {
    dense.assertMatches(embedder.modelId, keyword.knowledge.hash)
  }

  get knowledge(): KnowledgeBase {
    return this.keyword.knowledge
  }

  withTuning(tuning: HybridTuning, keyword: KeywordRetriever = this.keyword): HybridRetriever {
    return new HybridRetriever(keyword, this.dense, this.embedder, tuning)
  }

  /** The question's vector (exposed so tuning can embed once and fuse many times). */
  async embedQuestion(question: string): Promise<Float32Array> {
    const [vector] = await this.embedder.embed([question], 'query')
    return vector!
  }

  async retrieve(question: string, lang: Lang, limit = 10): Promise<Retrieval> {
    return this.fuse(this.keyword.rank(question, lang, 30), await this.embedQuestion(question), limit)
  }

  /** Fuses a keyword retrieval with the dense neighbours of the question vector. */
  fuse(keyword: Retrieval, vector: Float32Array, limit = 10): Retrieval {
    const { denseWeight, denseK, denseDepth, minSimilarity } = this.tuning
    const candidates = new Map(keyword.ranked.map((r) => [r.id, { ...r }]))
    // One pass over every article: the nearest are fused by rank, and every candidate keeps its similarity.
    const all = this.dense.nearest(vector, Infinity, 'article')
    all.slice(0, denseDepth).forEach((hit, rank) => {
      let c = candidates.get(hit.id)
      if (!c) candidates.set(hit.id, (c = { id: hit.id, score: 0, coverage: 0, evidence: 0, similarity: 0 }))
      if (hit.similarity >= minSimilarity) c.score += denseWeight / (denseK + rank + 1)
    })
    // Every candidate, found by keywords or topics alone too, carries how close it is to the question (confidence bands).
    for (const hit of all) {
      const c = candidates.get(hit.id)
      if (c) c.similarity = Math.round(hit.similarity * 1e4) / 1e4
    }
    const ranked = [...candidates.values()].sort((a, b) => b.score - a.score || b.similarity - a.similarity).slice(0, limit)
    for (const r of ranked) r.score = Math.round(r.score * 1e6) / 1e6
    return { ...keyword, ranked, cards: this.dense.nearest(vector, 3, 'card') }
  }
}
