import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { Lang } from '../knowledge/schema.js'
import type { Clock } from '../ports.js'
import { normalizeAccessCode, formatAccessCode, type CaseKeys } from './access-code.js'
import {
  actorLabel,
  isClosed,
  transitionTarget,
  type Actor,
  type CaseMessage,
  type CaseRecord,
  type Channel,
  type Mediator,
  type MediatorTransition,
  type OtherParty,
  type ReferralTarget,
  type TouristContact,
} from './case.js'
import type { Store } from './store.js'

export interface MediationDeps {
  store: Store
  clock: Clock
  keys: CaseKeys
  knowledge: KnowledgeBase
}

/** A rule of the mediation process was broken; the HTTP layer maps each code to a status and a localised message. */
export class MediationError extends Error {
  override readonly name = 'MediationError'
  constructor(
    readonly code:
      | 'session_not_found'
      | 'case_not_found'
      | 'case_open'
      | 'consent_required'
      | 'case_closed'
      | 'transition_not_allowed'
      | 'case_changed'
      | 'not_assignee'
      | 'mediator_not_found',
  ) {
    super(code)
  }
}

export interface EscalationRequest {
  sessionId: string
  message?: string | undefined
  contact?: TouristContact | undefined
  consent?: boolean | undefined
  party?: OtherParty | undefined
  amount?: number | undefined
  channel: Channel
  lang?: Lang | undefined
}

/**
 * Hands a chat session to a human: creates a case with the transcript (questions and the bot's answers), the
 * language, channel, topic, other party and amount, and — only with explicit consent — the contact details, apart
 * from the transcript. The tourist gets the case number and the access code, which is never stored in the clear.
 */
export async function escalateCase(deps: MediationDeps, request: EscalationRequest) {
  const { store, clock, keys } = deps
  const hasContact = request.contact && Object.values(request.contact).some((v) => v !== undefined && v !== '')
  if (hasContact && request.consent !== true) throw new MediationError('consent_required')
  const session = await store.getSession(request.sessionId)
  if (!session) throw new MediationError('session_not_found')
  const open = await store.openCaseOfSession(session.id)
  if (open) throw Object.assign(new MediationError('case_open'), { caseId: open.id })

  const at = clock.now().toISOString()
  const transcript: Omit<CaseMessage, 'seq'>[] = session.turns.flatMap((turn) => [
    { from: 'tourist' as const, mediatorId: null, text: turn.question, at: turn.at },
    ...(turn.answer ? [{ from: 'bot' as const, mediatorId: null, text: turn.answer, at: turn.at }] : []),
  ])
  if (request.message?.trim()) transcript.push({ from: 'tourist', mediatorId: null, text: request.message.trim(), at })
  const cited = session.turns.flatMap((t) => t.citations)
  const family = cited.map((id) => deps.knowledge.articles.get(id)?.law.family).find((f) => f !== undefined) ?? null
  const digits = keys.accessCode()
  const record: CaseRecord = {
    id: keys.caseId(),
    accessDigest: await keys.digest(digits),
    sessionId: session.id,
    status: 'new',
    lang: request.lang ?? session.lang,
    channel: request.channel,
    topic: family,
    party: request.party && Object.values(request.party).some(Boolean) ? request.party : null,
    amount: request.amount ?? null,
    assigneeId: null,
    createdAt: at,
    updatedAt: at,
    claimedAt: null,
    firstReplyAt: null,
    closedAt: null,
    outcome: null,
    referral: null,
    personalDataErasedAt: null,
  }
  await store.createCase({
    record,
    transcript,
    contact: hasContact ? { details: request.contact!, consentAt: at } : null,
    audit: { caseId: record.id, actor: 'tourist', action: 'create', detail: { channel: record.channel, contact: Boolean(hasContact) }, at },
  })
  return { caseId: record.id, accessCode: formatAccessCode(digits), status: record.status }
}

/** The case an access code opens, or null — for a malformed code too, so the answer is no oracle. */
export async function openCaseByCode(deps: MediationDeps, code: string): Promise<CaseRecord | null> {
  const digits = normalizeAccessCode(code)
  if (!digits) return null
  return deps.store.getCaseByAccessDigest(await deps.keys.digest(digits))
}

/** The case when `code` is its access code; null otherwise (unknown case and wrong code look the same). */
export async function caseForTourist(deps: MediationDeps, caseId: string, code: string | undefined): Promise<CaseRecord | null> {
  if (!code) return null
  const found = await openCaseByCode(deps, code)
  return found && found.id === caseId ? found : null
}

/** The tourist writes in their case: it goes to the mediator (the bot never answers inside a case). */
export async function postTouristMessage(deps: MediationDeps, c: CaseRecord, text: string): Promise<number> {
  if (isClosed(c.status)) throw new MediationError('case_closed')
  return deps.store.appendMessage(c.id, { from: 'tourist', mediatorId: null, text, at: deps.clock.now().toISOString() })
}

async function changeCase(
  deps: MediationDeps,
  c: CaseRecord,
  actor: Actor,
  action: string,
  change: Partial<CaseRecord>,
  detail: Record<string, unknown> | null = null,
): Promise<CaseRecord> {
  const at = deps.clock.now().toISOString()
  // updatedAt doubles as the row version: make it strictly newer even when the clock has not moved.
  const updatedAt = at > c.updatedAt ? at : new Date(new Date(c.updatedAt).getTime() + 1).toISOString()
  const next: CaseRecord = { ...c, ...change, updatedAt }
  const ok = await deps.store.updateCase(next, c.updatedAt, {
    caseId: c.id,
    actor: actorLabel(actor),
    action,
    detail: { from: c.status, to: next.status, ...(detail ?? {}) },
    at,
  })
  if (!ok) throw new MediationError('case_changed')
  return next
}

/** The tourist withdraws an open case; with `eraseContact` their contact details are deleted too. */
export async function withdrawCase(deps: MediationDeps, c: CaseRecord, options: { eraseContact: boolean; reason?: string | undefined }) {
  let current = c
  if (!isClosed(c.status)) {
    const at = deps.clock.now().toISOString()
    current = await changeCase(deps, c, { kind: 'tourist' }, 'withdraw', { status: 'withdrawn', closedAt: at }, options.reason ? { reason: options.reason } : null)
  }
  if (options.eraseContact) {
    await deps.store.eraseContact(c.id, { caseId: c.id, actor: 'tourist', action: 'erase-contact', detail: null, at: deps.clock.now().toISOString() })
  }
  return current
}

/** Whether a mediator may see a case's transcript: unclaimed cases are open to all; claimed ones to the assignee and supervisors. */
export function maySeeTranscript(m: Mediator, c: CaseRecord): boolean {
  return m.role === 'supervisor' || c.assigneeId === null || c.assigneeId === m.id
}

/** Contact details and internal notes: the assignee and supervisors only. */
export function maySeePrivate(m: Mediator, c: CaseRecord): boolean {
  return m.role === 'supervisor' || c.assigneeId === m.id
}

const mustAct = (m: Mediator, c: CaseRecord) => {
  if (m.role !== 'supervisor' && c.assigneeId !== m.id) throw new MediationError('not_assignee')
}

export interface TransitionInput {
  action: MediatorTransition
  reason?: string | undefined
  outcome?: { summary: string; amountAgreed: number | null } | undefined
  referral?: { to: ReferralTarget; note: string } | undefined
}

/**
 * A mediator moves a case along: claim (anyone, from the queue), hand back to the queue (the bot answers again),
 * start mediation, resolve with an outcome, or refer elsewhere. Every transition is audited with who, when and why.
 */
export async function transitionCase(deps: MediationDeps, m: Mediator, c: CaseRecord, input: TransitionInput): Promise<CaseRecord> {
  const to = transitionTarget(input.action, c.status)
  if (!to) throw new MediationError('transition_not_allowed')
  if (input.action !== 'claim' && input.action !== 'refer') mustAct(m, c)
  if (input.action === 'refer' && c.assigneeId !== null) mustAct(m, c)
  const at = deps.clock.now().toISOString()
  const actor: Actor = { kind: 'mediator', id: m.id }
  const why = input.reason ? { reason: input.reason } : null
  switch (input.action) {
    case 'claim':
      return changeCase(deps, c, actor, 'claim', { status: to, assigneeId: m.id, claimedAt: c.claimedAt ?? at }, why)
    case 'hand-back':
      return changeCase(deps, c, actor, 'hand-back', { status: to, assigneeId: null }, why)
    case 'start-mediation':
      return changeCase(deps, c, actor, 'start-mediation', { status: to }, why)
    case 'resolve':
      if (!input.outcome) throw new MediationError('transition_not_allowed')
      return changeCase(deps, c, actor, 'resolve', { status: to, closedAt: at, outcome: input.outcome }, why)
    case 'refer':
      if (!input.referral) throw new MediationError('transition_not_allowed')
      return changeCase(deps, c, actor, 'refer', { status: to, closedAt: at, referral: input.referral }, { ...why, to: input.referral.to })
    default:
      throw new MediationError('transition_not_allowed')
  }
}

/** Passes a claimed case to another active mediator (the assignee or a supervisor may). */
export async function transferCase(deps: MediationDeps, m: Mediator, c: CaseRecord, toMediatorId: string, reason?: string) {
  if (c.assigneeId === null || isClosed(c.status)) throw new MediationError('transition_not_allowed')
  mustAct(m, c)
  const target = await deps.store.getMediator(toMediatorId)
  if (!target || target.disabledAt) throw new MediationError('mediator_not_found')
  return changeCase(deps, c, { kind: 'mediator', id: m.id }, 'transfer', { assigneeId: target.id }, { toMediator: target.id, ...(reason ? { reason } : {}) })
}

/** The assignee (or a supervisor) writes to the tourist. */
export async function replyToTourist(deps: MediationDeps, m: Mediator, c: CaseRecord, text: string): Promise<number> {
  if (isClosed(c.status)) throw new MediationError('case_closed')
  if (c.assigneeId === null) throw new MediationError('not_assignee')
  mustAct(m, c)
  const at = deps.clock.now().toISOString()
  const seq = await deps.store.appendMessage(c.id, { from: 'mediator', mediatorId: m.id, text, at })
  await deps.store.audit({ caseId: c.id, actor: actorLabel({ kind: 'mediator', id: m.id }), action: 'reply', detail: { seq }, at })
  return seq
}

export async function addCaseNote(deps: MediationDeps, m: Mediator, c: CaseRecord, text: string): Promise<void> {
  if (!maySeePrivate(m, c)) throw new MediationError('not_assignee')
  const at = deps.clock.now().toISOString()
  await deps.store.addNote(c.id, { mediatorId: m.id, text, at })
  await deps.store.audit({ caseId: c.id, actor: actorLabel({ kind: 'mediator', id: m.id }), action: 'note', detail: null, at })
}

/** Retention: chats that never became a case, and personal data of closed cases, after their periods. */
export async function applyRetention(deps: Pick<MediationDeps, 'store' | 'clock'>, policy: { chatDays: number; caseDays: number }) {
  const now = deps.clock.now()
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString()
  const chats = await deps.store.purgeChats(daysAgo(policy.chatDays))
  const cases = await deps.store.erasePersonalData(daysAgo(policy.caseDays), now.toISOString())
  return { chats, cases: cases.length }
}
