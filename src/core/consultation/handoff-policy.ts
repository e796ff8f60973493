import type { ConfidenceBand } from '../ports.js'
import type { TopicFamily } from '../knowledge/schema.js'
import type { QuestionSignals } from './signals.js'

export type HandoffReason = 'emergency' | 'requested' | 'dispute' | 'low-confidence'

export interface HandoffInput {
  signals: QuestionSignals
  band: ConfidenceBand
  /** Topic families of the cited articles, best first (empty when nothing is cited). */
  families: TopicFamily[]
  /** Confidence of the previous answer in this session, if any. */
  previousBand: ConfidenceBand | null
}

/**
 * When to offer a human mediator, by precedence: emergency > requested > dispute > low-confidence
 * (this answer and the previous one both not `high`). The bot offers; the user confirms.
 */
export function decideHandoff({ signals, band, families, previousBand }: HandoffInput): HandoffReason | null {
  if (signals.emergency.length > 0) return 'emergency'
  if (signals.requestsPerson) return 'requested'
  // A money dispute with a merchant or agency: any cited consumer or tour article shows the other party is one.
  if (signals.moneyDispute && (families.length === 0 || families.some((f) => f === 'consumer' || f === 'tour'))) {
    return 'dispute'
  }
  if (band !== 'high' && previousBand !== null && previousBand !== 'high') return 'low-confidence'
  return null
}
