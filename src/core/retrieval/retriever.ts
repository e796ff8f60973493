import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Lang } from '../knowledge/schema.js'
import type { AnalyzedQuestion, KeywordIndex } from './keyword-index.js'

export interface RankedArticle {
  id: string
  score: number
  /** Share of the question's own terms this article accounts for, directly or through a glossary concept (0–1). */
  coverage: number
  /** How many distinct pieces of evidence matched: own terms plus concepts. */
  evidence: number
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
    const own = new Set(analyzed.terms)
    const ranked = this.index.query(analyzed, limit).map((hit) => {
      const matched = new Set(hit.matchedTerms)
      const covered = new Set([...own].filter((t) => matched.has(t)))
      let concepts = 0
      for (const concept of analyzed.concepts) {
        if (concept.expansion.some((t) => matched.has(t))) {
          concepts++
          for (const t of concept.covers) if (own.has(t)) covered.add(t)
        }
      }
      return {
        id: hit.id,
        score: hit.score,
        coverage: own.size ? covered.size / own.size : 0,
        evidence: covered.size + concepts,
      }
    })
    return { analyzed, ranked }
  }
}
