import type { i18n } from 'i18next'
import { articleId, type Lang, type LocalContact, type TopicFamily } from '../knowledge/schema.js'
import type { ChatSession, Clock, ConfidenceBand, IdSource, SessionStore } from '../ports.js'
import type { ArticleRetriever } from '../retrieval/retriever.js'
import type { TextAnalyzer } from '../text/analyze.js'
import { composeAnswer, type Citation } from './compose-answer.js'
import { assessConfidence, DEFAULT_CONFIDENCE_POLICY, type ConfidencePolicy } from './confidence.js'
import { chooseCard, guidanceFor, merchantNoteFor, type Guidance } from './guidance.js'
import { decideHandoff, type HandoffReason } from './handoff-policy.js'
import { readSignals } from './signals.js'

export interface ConsultationDeps {
  retriever: ArticleRetriever
  analyzer: TextAnalyzer
  i18n: i18n
  sessions: SessionStore
  clock: Clock
  ids: IdSource
  confidence?: ConfidencePolicy
  /** The deployment's local offices (`FABAO_LOCAL_CONTACTS`), for cards naming `local:<kind>`. */
  localContacts?: readonly LocalContact[]
}

export interface ChatRequest {
  message: string
  lang?: Lang
  sessionId?: string
  /** The language to assume when the message has no letters (from Accept-Language or the channel). */
  fallbackLang?: Lang
}

export interface ChatReply {
  sessionId: string
  lang: Lang
  answer: string
  confidence: ConfidenceBand
  citations: Citation[]
  /** The practical card for the situation, in the answer language; null when no card fits. */
  guidance: Guidance | null
  /** A polite statement in Chinese the tourist shows the merchant (consumer and tour cards); null otherwise. */
  merchantNote: string | null
  /** The same note in the answer language (null for zh or without a note). */
  merchantNoteTranslation: string | null
  emergency: boolean
  handoff: { suggested: boolean; reason: HandoffReason | null }
}

/** The date in Beijing (UTC+8), as YYYY-MM-DD: legal dates in the set are Chinese dates. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/**
 * Answers one chat message: detects the language, reads emergency / handoff signals, retrieves articles,
 * decides the confidence band and the handoff offer, writes the answer, and records the turn in the session.
 */
export async function consult(deps: ConsultationDeps, request: ChatRequest): Promise<ChatReply> {
  const { retriever, analyzer, i18n, sessions, clock } = deps
  const knowledge = retriever.knowledge
  const now = clock.now()
  const existing = request.sessionId ? await sessions.getSession(request.sessionId) : null
  // The text is analysed in the language it is written in; the answer is in the language the user asked for.
  const textLang = analyzer.detectLanguage(request.message, existing?.lang ?? request.fallbackLang ?? 'en')
  const lang = request.lang ?? textLang

  const signals = readSignals(request.message, textLang, analyzer)
  const retrieval = await retriever.retrieve(request.message, textLang)
  const policy = deps.confidence ?? DEFAULT_CONFIDENCE_POLICY
  const { band, cited } = assessConfidence(retrieval, policy)
  const card = band === 'none' ? null : chooseCard(retrieval, knowledge, policy.cardSimilarity)
  // The card's statements rest on its articles: they are cited after the retrieved ones, up to the citation limit.
  const citedIds = cited.map((hit) => ({ id: hit.id, score: hit.score }))
  for (const id of card?.articles ?? []) {
    if (citedIds.length >= policy.maxCitations) break
    if (!citedIds.some((c) => c.id === id)) citedIds.push({ id, score: 0 })
  }

  const today = beijingDate(now)
  const citations: Citation[] = citedIds.map((hit) => {
    const record = knowledge.articles.get(hit.id)
    if (!record) throw new Error(`unknown article ${hit.id}`)
    const { law, article } = record
    return {
      lawId: law.id,
      article: article.number,
      title: law.titles[lang].short,
      quote: article.zh,
      translation: knowledge.translation(hit.id, lang),
      version: law.version,
      superseded: law.replacement !== undefined && today >= law.replacement.inForceFrom,
      score: Math.round(hit.score * 1000) / 1000,
    }
  })
  const families: TopicFamily[] = citations.map((c) => knowledge.laws.get(c.lawId)!.family)
  const family = families[0] ?? null
  const previousBand = existing?.turns.at(-1)?.confidence ?? null
  const handoffReason = decideHandoff({ signals, band, families, previousBand })

  const citedLaws = [...new Set(citations.map((c) => c.lawId))].map((lawId) => knowledge.laws.get(lawId)!)
  const revisions = citedLaws.flatMap((law) =>
    law.replacement ? [{ lawId: law.id, on: law.replacement.inForceFrom, replaced: today >= law.replacement.inForceFrom }] : [],
  )
  const related = citedLaws.flatMap((law) =>
    (law.relatedNotInSet ?? []).map((r) => ({ title: lang === 'zh' ? r.titleZh : r.titles[lang], on: r.inForceFrom, inForce: today >= r.inForceFrom })),
  )
  const guidance = card ? guidanceFor(card, lang, knowledge, deps.localContacts ?? []) : null
  const answer = composeAnswer(
    { lang, band, citations, guidance, emergency: signals.emergency, family, handoffReason, revisions, related },
    i18n,
    knowledge,
  )

  const at = now.toISOString()
  const session: ChatSession = existing ?? { id: deps.ids.sessionId(), createdAt: at, updatedAt: at, lang, turns: [] }
  session.updatedAt = at
  session.lang = lang
  session.turns.push({
    at,
    question: request.message,
    lang,
    confidence: band,
    citations: citations.map((c) => articleId(c.lawId, c.article)),
    answer,
  })
  await sessions.saveSession(session)

  return {
    sessionId: session.id,
    lang,
    answer,
    confidence: band,
    citations,
    guidance,
    ...merchantNoteFor(card, lang),
    emergency: signals.emergency.length > 0,
    handoff: { suggested: handoffReason !== null, reason: handoffReason },
  }
}
