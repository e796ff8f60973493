import type { i18n } from 'i18next'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { EmergencyService, Lang, TopicFamily } from '../knowledge/schema.js'
import { listFor, translatorFor } from '../i18n.js'
import type { ConfidenceBand } from '../ports.js'
import type { Guidance } from './guidance.js'
import type { HandoffReason } from './handoff-policy.js'
import { EMERGENCY_NUMBERS } from './signals.js'

export interface Citation {
  lawId: string
  article: number
  /** The law's short title in the answer language. */
  title: string
  /** Verbatim Chinese text of the article (authoritative). */
  quote: string
  /** Our unofficial translation into the answer language; null for zh or when none exists yet. */
  translation: string | null
  version: string
  superseded: boolean
  score: number
}

export interface AnswerParts {
  lang: Lang
  band: ConfidenceBand
  citations: Citation[]
  /** The practical card; when present the answer leads with it and it replaces the generic next steps. */
  guidance: Guidance | null
  emergency: EmergencyService[]
  family: TopicFamily | null
  handoffReason: HandoffReason | null
  /** Cited laws whose text in the set is replaced by a revision (`replaced`) or will be on `on` (YYYY-MM-DD). */
  revisions: { lawId: string; on: string; replaced: boolean }[]
  /** Instruments that bear on the cited laws but are not in the set, with their titles in the answer language. */
  related: { title: string; on: string; inForce: boolean }[]
}

/**
 * Writes the answer in the user's language. There is no generative model: every sentence comes from locale
 * templates and law titles, so in ru/en answers Chinese appears only in the citations' `quote`.
 */
export function composeAnswer(parts: AnswerParts, i18n: i18n, knowledge: KnowledgeBase): string {
  const t = translatorFor(i18n, parts.lang)
  const lines: string[] = []
  if (parts.emergency.length > 0) {
    lines.push(t('answer.emergency.lead'))
    for (const service of parts.emergency) {
      lines.push(t('answer.emergency.call', { number: EMERGENCY_NUMBERS[service], service: t(`emergency.${service}`) }))
    }
    lines.push('')
  }
  const { guidance } = parts
  if (guidance) {
    lines.push(guidance.title, guidance.answer, '', t('answer.guidance.steps'))
    guidance.steps.forEach((step, i) => lines.push(`${i + 1}. ${step}`))
    if (guidance.evidence.length > 0) {
      lines.push('', t('answer.guidance.evidence'))
      for (const item of guidance.evidence) lines.push(`- ${item}`)
    }
    if (guidance.deadlines.length > 0) {
      lines.push('', t('answer.guidance.deadlines'))
      for (const item of guidance.deadlines) lines.push(`- ${item}`)
    }
    if (guidance.contacts.length > 0) {
      lines.push('', t('answer.guidance.contacts'))
      for (const c of guidance.contacts) lines.push(t('answer.guidance.contact', { phone: c.phone, name: c.name, purpose: c.purpose }))
    }
    lines.push('')
  }
  lines.push(t(`answer.intro.${parts.band}`))
  if (parts.citations.length > 0) {
    for (const c of parts.citations) lines.push(t('answer.citation', { title: c.title, article: c.article }))
    if (parts.lang !== 'zh') lines.push(t('answer.translationNotice'))
  }
  for (const { lawId, on, replaced } of parts.revisions) {
    lines.push(t(replaced ? 'answer.superseded' : 'answer.supersededSoon', { title: knowledge.lawTitle(lawId, parts.lang), date: on }))
  }
  for (const { title, on, inForce } of parts.related) {
    lines.push(t(inForce ? 'answer.relatedNotInSet' : 'answer.relatedNotInSetSoon', { title, date: on }))
  }
  if (parts.band !== 'none' && parts.family && !guidance) {
    const steps = listFor(i18n, parts.lang, `nextSteps.${parts.family}`)
    if (steps.length > 0) {
      lines.push('', t('answer.nextStepsHeading'))
      steps.forEach((step, i) => lines.push(`${i + 1}. ${step}`))
    }
  }
  if (parts.handoffReason && parts.handoffReason !== 'emergency') {
    lines.push('', t(`answer.handoff.${parts.handoffReason}`))
  } else if (parts.handoffReason === 'emergency') {
    lines.push('', t('answer.handoff.emergency'))
  }
  return lines.join('\n').trim()
}
