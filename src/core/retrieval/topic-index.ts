import MiniSearch from 'minisearch'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Lang, Topic } from '../knowledge/schema.js'
import type { TextAnalyzer } from '../text/analyze.js'

interface IndexedTopic {
  id: string
  zh: string
  ru: string
  en: string
}

export interface TopicHit {
  topic: Topic
  score: number
  /** Distinct question terms found in the topic's trigger phrases. */
  matchedTerms: string[]
}

const splitTerms = (text: string): string[] => (text.length === 0 ? [] : text.split(' '))

/**
 * Matches a question against the situation topics (knowledge/topics) by their everyday trigger phrases. Small
 * (a few hundred documents), so it is built at start.
 */
export class TopicIndex {
  private readonly search = new MiniSearch<IndexedTopic>({
    fields: ['zh', 'ru', 'en'],
    tokenize: splitTerms,
    processTerm: (t) => t,
    searchOptions: { tokenize: splitTerms, processTerm: (t) => t },
  })
  private readonly topics = new Map<string, Topic>()

  constructor(knowledge: KnowledgeBase, analyzer: TextAnalyzer) {
    const docs: IndexedTopic[] = []
    for (const topic of knowledge.topics) {
      const articles = topic.articles.filter((id) => knowledge.articles.has(id))
      if (articles.length === 0) continue
      this.topics.set(topic.id, { ...topic, articles })
      docs.push({
        id: topic.id,
        zh: topic.triggers.zh.flatMap((p) => analyzer.analyze(p, 'zh')).join(' '),
        ru: topic.triggers.ru.flatMap((p) => analyzer.analyze(p, 'ru')).join(' '),
        en: topic.triggers.en.flatMap((p) => analyzer.analyze(p, 'en')).join(' '),
      })
    }
    this.search.addAll(docs)
  }

  get size(): number {
    return this.topics.size
  }

  match(terms: readonly string[], lang: Lang, limit = 3): TopicHit[] {
    if (terms.length === 0 || this.topics.size === 0) return []
    const han = terms.filter((t) => /\p{Script=Han}/u.test(t))
    const queries = [{ queries: [...new Set(terms)], fields: [lang] }]
    if (lang !== 'zh' && han.length > 0) queries.push({ queries: [...new Set(han)], fields: ['zh'] })
    return this.search
      .search({ queries, combineWith: 'OR' })
      .slice(0, limit)
      .map((r) => ({ topic: this.topics.get(String(r.id))!, score: r.score, matchedTerms: r.queryTerms }))
  }
}
