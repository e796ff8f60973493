import {
  articleId,
  type Article,
  type GuidanceCard,
  type KnowledgeBundle,
  type Lang,
  type Law,
  type NationalContact,
  type TranslationLang,
} from './schema.js'

export interface ArticleRecord {
  id: string
  law: Law
  article: Article
  translations: Partial<Record<TranslationLang, string>>
}

/** Read-only view of the regulation set: laws, articles and their translations by id. */
export class KnowledgeBase {
  readonly laws: ReadonlyMap<string, Law>
  readonly articles: ReadonlyMap<string, ArticleRecord>
  readonly hash: string
  readonly glossary: KnowledgeBundle['glossary']
  readonly topics: KnowledgeBundle['topics']
  /** Guidance cards by id, in file order. */
  readonly cards: ReadonlyMap<string, GuidanceCard>
  readonly nationalContacts: ReadonlyMap<string, NationalContact>

  constructor(bundle: KnowledgeBundle) {
    this.hash = bundle.hash
    this.glossary = bundle.glossary
    this.topics = bundle.topics
    this.cards = new Map(bundle.guidance.map((card) => [card.id, card]))
    this.nationalContacts = new Map(bundle.nationalContacts.map((contact) => [contact.id, contact]))
    const laws = new Map<string, Law>()
    const articles = new Map<string, ArticleRecord>()
    for (const law of bundle.laws) {
      laws.set(law.id, law)
      for (const article of law.articles) {
        const id = articleId(law.id, article.number)
        articles.set(id, { id, law, article, translations: {} })
      }
    }
    for (const file of bundle.translations) {
      for (const [number, entry] of Object.entries(file.articles)) {
        const record = articles.get(articleId(file.lawId, Number(number)))
        if (record) record.translations[file.lang] = entry.text
      }
    }
    this.laws = laws
    this.articles = articles
  }

  get articleCount(): number {
    return this.articles.size
  }

  lawTitle(lawId: string, lang: Lang, form: 'short' | 'full' = 'short'): string {
    const law = this.laws.get(lawId)
    if (!law) throw new Error(`unknown law ${lawId}`)
    return law.titles[lang][form]
  }

  /**
   * The card that answers a situation topic: among the cards naming the topic, the one that names it earliest in
   * its list (a card's first topics are its core), then the first in file order.
   */
  cardForTopic(topicId: string): GuidanceCard | null {
    let best: GuidanceCard | null = null
    let bestPosition = Infinity
    for (const card of this.cards.values()) {
      const position = card.topics.indexOf(topicId)
      if (position >= 0 && position < bestPosition) {
        best = card
        bestPosition = position
      }
    }
    return best
  }

  /** The translation of an article into ru/en, or null (zh needs none; some articles are not translated yet). */
  translation(id: string, lang: Lang): string | null {
    if (lang === 'zh') return null
    return this.articles.get(id)?.translations[lang] ?? null
  }
}
