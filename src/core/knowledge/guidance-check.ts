import type { KnowledgeBase } from './knowledge-base.js'
import { LANGS, NATIONAL_NUMBERS, type GuidanceCard } from './schema.js'
import { statedFigures, writtenNumbers } from './translation-check.js'

export interface GuidanceProblem {
  cardId: string
  kind: 'duplicate-id' | 'unknown-topic' | 'unknown-article' | 'unstated-figure' | 'contact-not-listed'
  detail: string
}

const NATIONAL = new Set<string>(NATIONAL_NUMBERS)

/** The numbers a card text states: Chinese via the statute figure reader (七日 = 7), ru/en as written digits. */
function numbersIn(text: string, lang: string): Set<string> {
  if (lang === 'zh') return new Set(statedFigures(text).map((f) => f.value))
  return writtenNumbers(text)
}

/**
 * Checks the guidance cards against the rest of the knowledge: every topic and article they name exists, and a card
 * states a number, amount or deadline only if an article it cites states it (or it is the number of a cited
 * article). A national service number may appear only when the card lists it among its contacts.
 */
export function checkGuidance(knowledge: KnowledgeBase, cards: readonly GuidanceCard[]): GuidanceProblem[] {
  const problems: GuidanceProblem[] = []
  const topicIds = new Set(knowledge.topics.map((t) => t.id))
  const seen = new Set<string>()
  for (const card of cards) {
    const report = (kind: GuidanceProblem['kind'], detail: string) => problems.push({ cardId: card.id, kind, detail })
    if (seen.has(card.id)) report('duplicate-id', card.id)
    seen.add(card.id)
    for (const topic of card.topics) if (!topicIds.has(topic)) report('unknown-topic', topic)
    const allowed = new Set<string>()
    const citedNumbers = new Set<string>()
    for (const id of card.articles) {
      const record = knowledge.articles.get(id)
      if (!record) {
        report('unknown-article', id)
        continue
      }
      citedNumbers.add(String(record.article.number))
      for (const figure of statedFigures(record.article.zh)) allowed.add(figure.value)
    }
    const contacts = new Set<string>(card.contacts)
    for (const lang of LANGS) {
      const { title, answer, steps, evidence, deadlines } = card.text[lang]
      const texts = [title, answer, ...steps, ...evidence, ...deadlines]
      if (card.merchantNote) texts.push(lang === 'zh' ? card.merchantNote.zh : card.merchantNote[lang])
      for (const text of texts) {
        for (const n of numbersIn(text, lang)) {
          if (citedNumbers.has(n)) continue
          if (NATIONAL.has(n)) {
            if (!contacts.has(n)) report('contact-not-listed', `${lang}: ${n} is named but not among the card's contacts`)
          } else if (!allowed.has(n)) {
            report('unstated-figure', `${lang}: "${n}" in "${text.slice(0, 80)}" is not stated by a cited article`)
          }
        }
      }
    }
  }
  return problems
}
