import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { GuidanceCard, Lang, LocalContact } from '../knowledge/schema.js'
import type { Retrieval } from '../retrieval/retriever.js'

/** Whom to call, in the answer language. National numbers have no address; local offices may. */
export interface GuidanceContact {
  id: string
  name: string
  phone: string
  purpose: string
  address?: string
  hours?: string
}

/** A guidance card in the answer language, as the chat response carries it. */
export interface Guidance {
  cardId: string
  title: string
  /** The plain-language answer of the card. */
  answer: string
  steps: string[]
  evidence: string[]
  deadlines: string[]
  contacts: GuidanceContact[]
}

/**
 * The card for the situation the question matched: the first matched topic (best first) that has a card; else,
 * with dense retrieval, the nearest card when it is at least `minSimilarity` close to the question.
 */
export function chooseCard(retrieval: Pick<Retrieval, 'topics' | 'cards'>, knowledge: KnowledgeBase, minSimilarity = Infinity): GuidanceCard | null {
  for (const hit of retrieval.topics) {
    const card = knowledge.cardForTopic(hit.topic.id)
    if (card) return card
  }
  const nearest = retrieval.cards[0]
  if (nearest && nearest.similarity >= minSimilarity) return knowledge.cards.get(nearest.id) ?? null
  return null
}

/**
 * The card's contacts in the answer language. `local:<kind>` lists every configured office of that kind, and
 * nothing when the deployment configured none: an office is never invented.
 */
export function resolveContacts(
  card: GuidanceCard,
  lang: Lang,
  knowledge: KnowledgeBase,
  localContacts: readonly LocalContact[],
): GuidanceContact[] {
  const out: GuidanceContact[] = []
  const seen = new Set<string>()
  for (const ref of card.contacts) {
    if (ref.startsWith('local:')) {
      const kind = ref.slice('local:'.length)
      for (const office of localContacts.filter((c) => c.kind === kind)) {
        if (seen.has(office.id)) continue
        seen.add(office.id)
        out.push({
          id: office.id,
          name: office.name[lang],
          phone: office.phone,
          purpose: office.purpose[lang],
          ...(office.address ? { address: office.address[lang] } : {}),
          ...(office.hours ? { hours: office.hours[lang] } : {}),
        })
      }
      continue
    }
    const national = knowledge.nationalContacts.get(ref)
    if (!national || seen.has(national.id)) continue
    seen.add(national.id)
    out.push({ id: national.id, name: national.name[lang], phone: national.phone, purpose: national.purpose[lang] })
  }
  return out
}

export function guidanceFor(
  card: GuidanceCard,
  lang: Lang,
  knowledge: KnowledgeBase,
  localContacts: readonly LocalContact[],
): Guidance {
  const text = card.text[lang]
  return {
    cardId: card.id,
    title: text.title,
    answer: text.answer,
    steps: [...text.steps],
    evidence: [...text.evidence],
    deadlines: [...text.deadlines],
    contacts: resolveContacts(card, lang, knowledge, localContacts),
  }
}

/** The "show this to the merchant" note: Chinese for the merchant, the user's language for the tourist. */
export function merchantNoteFor(card: GuidanceCard | null, lang: Lang): { merchantNote: string | null; merchantNoteTranslation: string | null } {
  const note = card?.merchantNote
  if (!note) return { merchantNote: null, merchantNoteTranslation: null }
  return { merchantNote: note.zh, merchantNoteTranslation: lang === 'zh' ? null : note[lang] }
}
