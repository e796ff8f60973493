import { EMERGENCY_SERVICES, type EmergencyService, type Lang } from '../knowledge/schema.js'
import type { TextAnalyzer } from '../text/analyze.js'

/** The national numbers that never change, by emergency service. */
export const EMERGENCY_NUMBERS: Record<EmergencyService, string> = {
  police: '110',
  medical: '120',
  fire: '119',
  traffic: '122',
}

export interface QuestionSignals {
  /** Services to call now, in the order they should be shown; empty when no emergency. */
  emergency: EmergencyService[]
  /** The user asks for a person (mediator, lawyer, operator). */
  requestsPerson: boolean
  /** Money at stake with a merchant or agency (refund, overcharge, deposit). */
  moneyDispute: boolean
}

/**
 * Reads emergency, handoff and dispute wording in the question's language — and in every language, since a Russian
 * tourist may type «110 помогите» or paste Chinese. Lexicon phrases are data (knowledge/lexicon).
 */
export function readSignals(question: string, lang: Lang, analyzer: TextAnalyzer): QuestionSignals {
  const lexicons = analyzer.lexicons
  const text = analyzer.normalizeForPhrases(question)
  const langs: Lang[] = [lang, ...(['zh', 'ru', 'en'] as const).filter((l) => l !== lang)]
  const has = (pick: (l: Lang) => readonly string[]) =>
    langs.some((l) => pick(l).some((phrase) => analyzer.containsPhrase(text, phrase, l)))
  const emergency = EMERGENCY_SERVICES.filter((service) => has((l) => lexicons[l].emergency[service]))
  // Traffic accidents with injuries need the ambulance as well as the traffic police.
  if (emergency.includes('traffic') && !emergency.includes('medical') && has((l) => lexicons[l].emergency.medical)) {
    emergency.push('medical')
  }
  return {
    emergency,
    requestsPerson: has((l) => lexicons[l].handoff),
    moneyDispute: has((l) => lexicons[l].dispute),
  }
}
