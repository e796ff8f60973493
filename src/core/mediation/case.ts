import type { Lang } from '../knowledge/schema.js'

/** new → claimed → in-mediation → resolved | referred | withdrawn (a tourist may withdraw an open case at any time). */
export const CASE_STATUSES = ['new', 'claimed', 'in-mediation', 'resolved', 'referred', 'withdrawn'] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

export const CLOSED_STATUSES: readonly CaseStatus[] = ['resolved', 'referred', 'withdrawn']
export const isClosed = (status: CaseStatus) => CLOSED_STATUSES.includes(status)

/** Where a case is referred when mediation is not the way. */
export const REFERRAL_TARGETS = ['complaint-12315', 'arbitration', 'court', 'legal-aid', 'tourism-authority', 'police'] as const
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number]

export const CHANNELS = ['web', 'kiosk', 'wechat', 'api'] as const
export type Channel = (typeof CHANNELS)[number]

/** The merchant or agency the dispute is with, as far as the tourist knows it. */
export interface OtherParty {
  name?: string | undefined
  address?: string | undefined
  phone?: string | undefined
  licence?: string | undefined
}

/** The tourist's contact details: personal data, stored apart from the transcript, only with consent. */
export interface TouristContact {
  name?: string | undefined
  phone?: string | undefined
  email?: string | undefined
  wechat?: string | undefined
  passport?: string | undefined
}

export interface CaseRecord {
  id: string
  /** Keyed digest of the access code; the code itself is never stored. */
  accessDigest: string
  sessionId: string | null
  status: CaseStatus
  lang: Lang
  channel: Channel
  topic: string | null
  party: OtherParty | null
  /** The amount in dispute, in yuan. */
  amount: number | null
  assigneeId: string | null
  createdAt: string
  updatedAt: string
  claimedAt: string | null
  firstReplyAt: string | null
  closedAt: string | null
  outcome: { summary: string; amountAgreed: number | null } | null
  referral: { to: ReferralTarget; note: string } | null
  personalDataErasedAt: string | null
}

export type MessageAuthor = 'tourist' | 'bot' | 'mediator'

export interface CaseMessage {
  seq: number
  from: MessageAuthor
  mediatorId: string | null
  text: string
  at: string
}

export interface CaseNote {
  seq: number
  mediatorId: string
  text: string
  at: string
}

/** Who did something to a case: the tourist (by access code), a mediator, or the system (retention, start). */
export type Actor = { kind: 'tourist' } | { kind: 'mediator'; id: string } | { kind: 'system' }
export const actorLabel = (actor: Actor) => (actor.kind === 'mediator' ? `mediator:${actor.id}` : actor.kind)

export interface AuditEvent {
  caseId: string | null
  actor: string
  action: string
  detail: Record<string, unknown> | null
  at: string
}

export type MediatorRole = 'mediator' | 'supervisor'

export interface Mediator {
  id: string
  login: string
  name: string
  role: MediatorRole
  languages: Lang[]
  passwordHash: string
  disabledAt: string | null
  createdAt: string
}

export interface MediatorSession {
  tokenDigest: string
  mediatorId: string
  csrfToken: string
  createdAt: string
  expiresAt: string
}

/** The transitions a mediator may make, and the audit action each records. */
const MEDIATOR_TRANSITIONS: Record<string, { from: readonly CaseStatus[]; to: CaseStatus }> = {
  claim: { from: ['new'], to: 'claimed' },
  'hand-back': { from: ['claimed', 'in-mediation'], to: 'new' },
  'start-mediation': { from: ['claimed'], to: 'in-mediation' },
  resolve: { from: ['claimed', 'in-mediation'], to: 'resolved' },
  refer: { from: ['new', 'claimed', 'in-mediation'], to: 'referred' },
}
export type MediatorTransition = keyof typeof MEDIATOR_TRANSITIONS
export const MEDIATOR_TRANSITION_NAMES = Object.keys(MEDIATOR_TRANSITIONS) as MediatorTransition[]

export function transitionTarget(action: string, from: CaseStatus): CaseStatus | null {
  const rule = MEDIATOR_TRANSITIONS[action]
  return rule && rule.from.includes(from) ? rule.to : null
}
