import MiniSearch, { type Query } from 'minisearch'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Lang } from '../knowledge/schema.js'
import type { TextAnalyzer } from '../text/analyze.js'
import { GlossaryMatcher, type MatchedConcept } from './glossary-matcher.js'

/** Bumped whenever the indexed fields or their analysis change, so a cached index of another format is rebuilt. */
export const KEYWORD_INDEX_FORMAT = 1

interface IndexedArticle {
  id: string
  zh: string
  ru: string
  en: string
  title: string
}

const FIELDS = ['zh', 'ru', 'en', 'title'] as const

const splitTerms = (text: string): string[] => (text.length === 0 ? [] : text.split(' '))
const MINISEARCH_OPTIONS = {
  fields: [...FIELDS],
  idField: 'id',
  tokenize: splitTerms,
  processTerm: (term: string) => term,
  searchOptions: { tokenize: splitTerms, processTerm: (term: string) => term },
}

export interface KeywordTuning {
  /** Weight of the question's own words in the field of its language. */
  native: number
  /** Weight of Chinese legal terms reached through the glossary. */
  expansionZh: number
  /** Weight of canonical ru/en terms reached through the glossary, searched in the translations. */
  expansionTranslated: number
  /** Weight of law-title matches. */
  title: number
  /** Multiplier for articles of the laws a visitor meets most (consumer, tour and immigration families). */
  visitorLawPrior: number
  /** BM25 term-frequency saturation and length normalisation. */
  k: number
  b: number
}

/** Tuned with `npm run tune` on the eval dev split (2026-11-23). */
export const DEFAULT_KEYWORD_TUNING: KeywordTuning = {
  native: 0.3,
  expansionZh: 4,
  expansionTranslated: 0.3,
  title: 0,
  visitorLawPrior: 1.5,
  k: 1.2,
  b: 0.7,
}

export interface AnalyzedQuestion {
  lang: Lang
  terms: string[]
  /** Glossary concepts found, with the search terms each one adds. */
  concepts: (MatchedConcept & { expansion: string[] })[]
  /** Terms to search per field, with weights. */
  queries: { field: (typeof FIELDS)[number]; terms: string[]; weight: number }[]
}

export interface KeywordHit {
  id: string
  score: number
  /** Query terms this article matched. */
  matchedTerms: string[]
}

/** BM25 keyword retrieval over every article (zh text, translations, law titles) with glossary query expansion. */
export class KeywordIndex {
  private readonly glossary: GlossaryMatcher
  private readonly prior: Map<string, number>

  private constructor(
    private readonly search: MiniSearch<IndexedArticle>,
    readonly knowledge: KnowledgeBase,
    private readonly analyzer: TextAnalyzer,
    private readonly tuning: KeywordTuning,
  ) {
    this.glossary = new GlossaryMatcher(knowledge.glossary, analyzer)
    this.prior = new Map()
    for (const record of knowledge.articles.values()) {
      const visitor = ['consumer', 'tour', 'immigration'].includes(record.law.family) && record.law.id !== 'civil-code-contracts'
      this.prior.set(record.id, visitor ? tuning.visitorLawPrior : 1)
    }
  }

  /** The same index searched with other weights (for tuning on the dev split). */
  withTuning(tuning: KeywordTuning): KeywordIndex {
    return new KeywordIndex(this.search, this.knowledge, this.analyzer, tuning)
  }

  static build(
    knowledge: KnowledgeBase,
    analyzer: TextAnalyzer,
    tuning: KeywordTuning = DEFAULT_KEYWORD_TUNING,
  ): KeywordIndex {
    const analyzeText = (text: string, lang: Lang) => analyzer.analyze(text, lang)
    const search = new MiniSearch<IndexedArticle>(MINISEARCH_OPTIONS)
    const docs: IndexedArticle[] = []
    for (const record of knowledge.articles.values()) {
      const { law, article } = record
      docs.push({
        id: record.id,
        zh: analyzeText([article.chapter ?? '', article.section ?? '', article.zh].join(' '), 'zh').join(' '),
        ru: analyzeText(record.translations.ru ?? '', 'ru').join(' '),
        en: analyzeText(record.translations.en ?? '', 'en').join(' '),
        title: [
          ...analyzeText(law.titles.zh.full, 'zh'),
          ...analyzeText(law.titles.ru.full, 'ru'),
          ...analyzeText(law.titles.en.full, 'en'),
        ].join(' '),
      })
    }
    search.addAll(docs)
    return new KeywordIndex(search, knowledge, analyzer, tuning)
  }

  /** Restores an index serialised by `toJSON` (prebuilt at build time or cached by the adapter). */
  static load(
    json: string,
    knowledge: KnowledgeBase,
    analyzer: TextAnalyzer,
    tuning: KeywordTuning = DEFAULT_KEYWORD_TUNING,
  ): KeywordIndex {
    const search = MiniSearch.loadJSON<IndexedArticle>(json, MINISEARCH_OPTIONS)
    return new KeywordIndex(search, knowledge, analyzer, tuning)
  }

  toJSON(): string {
    return JSON.stringify(this.search)
  }

  analyze(question: string, lang: Lang): AnalyzedQuestion {
    const terms = this.analyzer.analyze(question, lang)
    const matched = this.glossary.match(question, lang, terms, this.analyzer.normalizeForPhrases(question))
    const concepts = matched.map((c) => ({ ...c, expansion: [...c.statuteTerms, ...c.renderingTerms] }))
    const t = this.tuning
    const queries: AnalyzedQuestion['queries'] = [{ field: lang, terms, weight: t.native }]
    if (lang !== 'zh') {
      // Chinese characters typed inside a Russian or English question (a shop sign, a receipt) search the zh text.
      const han = terms.filter((term) => /\p{Script=Han}/u.test(term))
      if (han.length > 0) queries.push({ field: 'zh', terms: han, weight: t.native })
    }
    const expansionZh = new Set(concepts.flatMap((c) => c.statuteTerms))
    const expansionTranslated = new Set(concepts.flatMap((c) => c.renderingTerms))
    if (expansionZh.size > 0) queries.push({ field: 'zh', terms: [...expansionZh], weight: t.expansionZh })
    if (expansionTranslated.size > 0) {
      queries.push({ field: lang, terms: [...expansionTranslated], weight: t.expansionTranslated })
    }
    queries.push({ field: 'title', terms: [...terms, ...expansionZh], weight: t.title })
    return { lang, terms, concepts, queries }
  }

  query(analyzed: AnalyzedQuestion, limit = 20): KeywordHit[] {
    const queries: Query[] = analyzed.queries
      .filter((q) => q.terms.length > 0 && q.weight > 0)
      .map((q) => ({
        queries: [...new Set(q.terms)],
        fields: [q.field],
        boost: { [q.field]: q.weight },
        combineWith: 'OR' as const,
      }))
    if (queries.length === 0) return []
    const results = this.search.search({
      queries,
      combineWith: 'OR',
      bm25: { k: this.tuning.k, b: this.tuning.b, d: 0.5 },
      boostDocument: (id) => this.prior.get(String(id)) ?? 1,
    })
    return results.slice(0, limit).map((r) => ({ id: String(r.id), score: r.score, matchedTerms: r.queryTerms }))
  }
}
