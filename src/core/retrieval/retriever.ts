import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Lang } from '../knowledge/schema.js'
import type { AnalyzedQuestion, KeywordIndex } from './keyword-index.js'

export interface RankedArticle {
  id: string
  score: number
  /** Share of the question's search terms this article matched (0–1). */
  coverage: number
}

export interface Retrieval {
  analyzed: AnalyzedQuestion
  ranked: RankedArticle[]
}

/** Finds the articles for a question; keyword-only today, hybrid once an embedder is plugged in. */
export interface ArticleRetriever {
  readonly knowledge: KnowledgeBase
  retrieve(question: string, lang: Lang, limit?: number): Retrieval
}

export class KeywordRetriever implements ArticleRetriever {
  constructor(private readonly index: KeywordIndex) {}

  get knowledge(): KnowledgeBase {
    return this.index.knowledge
  }

  retrieve(question: string, lang: Lang, limit = 10): Retrieval {
    const analyzed = this.index.analyze(question, lang)
    const all = new Set(analyzed.queries.filter((q) => q.field !== 'title').flatMap((q) => q.terms))
    const ranked = this.index.query(analyzed, limit).map((hit) => ({
      id: hit.id,
      score: hit.score,
      coverage: all.size ? hit.matchedTerms.filter((t) => all.has(t)).length / all.size : 0,
    }))
    return { analyzed, ranked }
  }
}
