import { consult, type ChatReply, type ChatRequest, type ConsultationDeps } from '../consultation/consult.js'
import { EMERGENCY_NUMBERS, readSignals } from '../consultation/signals.js'
import { translatorFor } from '../i18n.js'
import type { CaseStatus } from './case.js'
import type { MediationDeps } from './mediation.js'

export interface ConversationReply extends ChatReply {
  /** The open case this conversation was handed to, or null. */
  case: { caseId: string; status: CaseStatus } | null
}

/**
 * One chat message, aware of the handoff. Without an open case the bot answers. While the case waits in the queue
 * the bot still answers and both sides of the exchange are added to the case for the mediator. Once a mediator has
 * claimed it the bot is silent: the message goes to the mediator, and the reply only says so (with emergency numbers
 * if the message calls for them). The bot answers again when the mediator hands the case back.
 */
export async function converse(consultation: ConsultationDeps, mediation: MediationDeps, request: ChatRequest): Promise<ConversationReply> {
  const open = request.sessionId ? await mediation.store.openCaseOfSession(request.sessionId) : null
  if (open && (open.status === 'claimed' || open.status === 'in-mediation')) {
    await mediation.store.appendMessage(open.id, { from: 'tourist', mediatorId: null, text: request.message, at: mediation.clock.now().toISOString() })
    const lang = request.lang ?? open.lang
    const textLang = consultation.analyzer.detectLanguage(request.message, lang)
    const signals = readSignals(request.message, textLang, consultation.analyzer)
    const t = translatorFor(consultation.i18n, lang)
    // Even with the bot paused, someone in danger is told the numbers first.
    const emergency = signals.emergency.map((service) => t('answer.emergency.call', { number: EMERGENCY_NUMBERS[service], service: t(`emergency.${service}`) }))
    return {
      sessionId: request.sessionId!,
      lang,
      answer: [...(emergency.length ? [t('answer.emergency.lead'), ...emergency, ''] : []), t('mediation.forwarded', { caseId: open.id })].join('\n'),
      confidence: 'none',
      citations: [],
      guidance: null,
      merchantNote: null,
      merchantNoteTranslation: null,
      emergency: signals.emergency.length > 0,
      handoff: { suggested: false, reason: null },
      case: { caseId: open.id, status: open.status },
    }
  }
  const reply = await consult(consultation, request)
  if (open) {
    const at = mediation.clock.now().toISOString()
    await mediation.store.appendMessage(open.id, { from: 'tourist', mediatorId: null, text: request.message, at })
    await mediation.store.appendMessage(open.id, { from: 'bot', mediatorId: null, text: reply.answer, at })
  }
  return { ...reply, case: open ? { caseId: open.id, status: open.status } : null }
}
