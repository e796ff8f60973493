import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { z } from 'zod'
import { mediatorForToken, signIn, signOut, type AccountDeps } from '../core/mediation/accounts.js'
import { isClosed, MEDIATOR_TRANSITION_NAMES, REFERRAL_TARGETS, type CaseRecord, type Mediator, type MediatorSession } from '../core/mediation/case.js'
import {
  addCaseNote,
  maySeePrivate,
  maySeeTranscript,
  replyToTourist,
  transferCase,
  transitionCase,
  type MediationDeps,
} from '../core/mediation/mediation.js'
import { monthlyReport } from '../core/mediation/report.js'
import { slaState, type SlaPolicy } from '../core/mediation/sla.js'
import type { AppEnv } from './app.js'
import { ApiError } from './errors.js'
import { parseJsonBody } from './json-body.js'

export const MEDIATOR_COOKIE = 'fabao_mediator'
const VIEW_AUDIT_MINUTES = 10

export interface QuickReply {
  id: string
  zh: string
  ru: string
  en: string
}

export interface MediatorRouteDeps {
  mediation: MediationDeps
  accounts: AccountDeps
  sla: SlaPolicy
  quickReplies: QuickReply[]
  /** Send the session cookie only over HTTPS (on when FABAO_PUBLIC_URL is https). */
  secureCookies: boolean
  /** Delivers mediator replies to another channel (WeChat) and says which were not delivered; absent = none. */
  replyDelivery?: MediatorReplyDelivery | undefined
}

export interface MediatorReplyDelivery {
  /** Sends the reply if the case's chat belongs to that channel; never throws (the reply is in the case anyway). */
  deliverMediatorReply(k: CaseRecord, seq: number, text: string): Promise<void>
  /** Seqs of the case's mediator messages the channel could not deliver yet. */
  undelivered(caseId: string): Promise<number[]>
}

type MediatorEnv = AppEnv & { Variables: { mediator: Mediator; mediatorSession: MediatorSession } }

const LoginSchema = z.object({ login: z.string().min(1).max(64), password: z.string().min(1).max(256) })
const TransitionSchema = z.object({
  action: z.enum(MEDIATOR_TRANSITION_NAMES as [string, ...string[]]),
  reason: z.string().trim().max(1000).optional(),
  outcome: z.object({ summary: z.string().trim().min(1).max(4000), amountAgreed: z.number().nonnegative().nullable().default(null) }).optional(),
  referral: z.object({ to: z.enum(REFERRAL_TARGETS), note: z.string().trim().max(2000).default('') }).optional(),
})
const TransferSchema = z.object({ to: z.string().min(1).max(64), reason: z.string().trim().max(1000).optional() })
const TextSchema = z.object({ text: z.string().trim().min(1).max(4000) })
const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/)

/**
 * The mediators' API under /api/mediator: sign in (cookie, HttpOnly, SameSite=Strict), then every request needs the
 * session and every change also the CSRF token in `X-CSRF-Token`. Without a session: 401. Every action is audited.
 */
export function mediatorRoutes(deps: MediatorRouteDeps) {
  const app = new Hono<MediatorEnv>()
  const { mediation, accounts } = deps

  app.post('/login', async (c) => {
    const body = parseJsonBody(LoginSchema, await c.req.text())
    const signed = await signIn(accounts, body.login, body.password)
    if (!signed) throw new ApiError('unauthorized', 'errors.invalid_login')
    setCookie(c, MEDIATOR_COOKIE, signed.token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: accounts.sessionHours * 3600,
    })
    return c.json({ mediator: publicMediator(signed.mediator), csrfToken: signed.session.csrfToken })
  })

  app.use(
    '*',
    createMiddleware<MediatorEnv>(async (c, next) => {
      const found = await mediatorForToken(accounts, getCookie(c, MEDIATOR_COOKIE))
      if (!found) throw new ApiError('unauthorized')
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.header('x-csrf-token') !== found.session.csrfToken) {
        throw new ApiError('csrf_failed')
      }
      c.set('mediator', found.mediator)
      c.set('mediatorSession', found.session)
      c.set('lang', found.mediator.languages[0] ?? 'zh')
      c.header('Cache-Control', 'no-store')
      await next()
    }),
  )

  app.post('/logout', async (c) => {
    await signOut(accounts, getCookie(c, MEDIATOR_COOKIE)!)
    deleteCookie(c, MEDIATOR_COOKIE, { path: '/' })
    return c.json({ ok: true })
  })

  app.get('/me', (c) => c.json({ mediator: publicMediator(c.var.mediator), csrfToken: c.var.mediatorSession.csrfToken }))

  app.get('/mediators', async (c) =>
    c.json({ mediators: (await mediation.store.listMediators()).filter((m) => !m.disabledAt).map(publicMediator) }),
  )

  app.get('/phrases', (c) => c.json({ phrases: deps.quickReplies }))

  app.get('/queue', async (c) => {
    const me = c.var.mediator
    const now = mediation.clock.now()
    const names = new Map((await mediation.store.listMediators()).map((m) => [m.id, m.name]))
    const open = await mediation.store.listCases({ statuses: ['new', 'claimed', 'in-mediation'] })
    const latest = await mediation.store.latestMessages(open.filter((k) => maySeeTranscript(me, k)).map((k) => k.id))
    const items = open.map((k) => {
      const sla = slaState(k, now, deps.sla)
      const last = latest.get(k.id)
      return {
        caseId: k.id,
        status: k.status,
        lang: k.lang,
        channel: k.channel,
        topic: k.topic,
        createdAt: k.createdAt,
        assignee: assigneeOf(k, names),
        mine: k.assigneeId === me.id,
        sla: sla.next,
        missed: sla.missed,
        languageMismatch: !me.languages.includes(k.lang),
        lastMessage: last ? { from: last.from, at: last.at } : null,
        awaitingReply: last?.from === 'tourist',
      }
    })
    // Most urgent first: overdue, then due soonest.
    items.sort((a, b) => Number(b.sla?.overdue ?? false) - Number(a.sla?.overdue ?? false) || (a.sla?.due ?? '~').localeCompare(b.sla?.due ?? '~'))
    return c.json({ now: now.toISOString(), cases: items })
  })

  const loadCase = async (c: Context<MediatorEnv>): Promise<CaseRecord> => {
    const found = await mediation.store.getCase(c.req.param('caseId') ?? '')
    if (!found) throw new ApiError('not_found')
    return found
  }

  app.get('/cases/:caseId', async (c) => {
    const me = c.var.mediator
    const k = await loadCase(c)
    if (!maySeeTranscript(me, k)) throw new ApiError('forbidden')
    const privateView = maySeePrivate(me, k)
    const mediators = new Map((await mediation.store.listMediators()).map((m) => [m.id, m.name]))
    // The console polls an open case every second: a view is audited once per mediator and case per 10 minutes.
    const now = mediation.clock.now()
    await mediation.store.auditUnlessSince(
      { caseId: k.id, actor: `mediator:${me.id}`, action: 'view', detail: null, at: now.toISOString() },
      new Date(now.getTime() - VIEW_AUDIT_MINUTES * 60_000).toISOString(),
    )
    const undelivered = new Set((await deps.replyDelivery?.undelivered(k.id)) ?? [])
    return c.json({
      case: caseView(k, mediators),
      sla: slaState(k, mediation.clock.now(), deps.sla),
      languageMismatch: !me.languages.includes(k.lang),
      messages: (await mediation.store.listMessages(k.id)).map((m) => ({
        ...(undelivered.has(m.seq) ? { delivered: false } : {}),
        seq: m.seq,
        from: m.from,
        text: m.text,
        at: m.at,
        mediator: m.mediatorId ? (mediators.get(m.mediatorId) ?? m.mediatorId) : null,
      })),
      contact: privateView ? await mediation.store.getContact(k.id) : null,
      notes: privateView ? (await mediation.store.listNotes(k.id)).map((n) => ({ ...n, mediator: mediators.get(n.mediatorId) ?? n.mediatorId })) : null,
      audit: privateView ? await mediation.store.listAudit(k.id) : null,
      canAct: privateView && !isClosed(k.status),
    })
  })

  app.post('/cases/:caseId/transition', async (c) => {
    const body = parseJsonBody(TransitionSchema, await c.req.text())
    const updated = await transitionCase(mediation, c.var.mediator, await loadCase(c), body as Parameters<typeof transitionCase>[3])
    return c.json({ caseId: updated.id, status: updated.status, assigneeId: updated.assigneeId })
  })

  app.post('/cases/:caseId/transfer', async (c) => {
    const body = parseJsonBody(TransferSchema, await c.req.text())
    const updated = await transferCase(mediation, c.var.mediator, await loadCase(c), body.to, body.reason)
    return c.json({ caseId: updated.id, status: updated.status, assigneeId: updated.assigneeId })
  })

  app.post('/cases/:caseId/messages', async (c) => {
    const body = parseJsonBody(TextSchema, await c.req.text())
    const k = await loadCase(c)
    const seq = await replyToTourist(mediation, c.var.mediator, k, body.text)
    await deps.replyDelivery?.deliverMediatorReply(k, seq, body.text)
    return c.json({ seq }, 201)
  })

  app.post('/cases/:caseId/notes', async (c) => {
    const body = parseJsonBody(TextSchema, await c.req.text())
    await addCaseNote(mediation, c.var.mediator, await loadCase(c), body.text)
    return c.json({ ok: true }, 201)
  })

  app.get('/cases/:caseId/export', async (c) => {
    const me = c.var.mediator
    const k = await loadCase(c)
    if (!maySeePrivate(me, k)) throw new ApiError('forbidden')
    const at = mediation.clock.now().toISOString()
    await mediation.store.audit({ caseId: k.id, actor: `mediator:${me.id}`, action: 'export', detail: null, at })
    c.header('Content-Disposition', `attachment; filename="case-${k.id}.json"`)
    return c.json({
      exportedAt: at,
      case: caseView(k, new Map()),
      messages: await mediation.store.listMessages(k.id),
      contact: await mediation.store.getContact(k.id),
      notes: await mediation.store.listNotes(k.id),
      audit: await mediation.store.listAudit(k.id),
    })
  })

  app.get('/report', async (c) => {
    if (c.var.mediator.role !== 'supervisor') throw new ApiError('forbidden')
    const month = MonthSchema.safeParse(c.req.query('month'))
    if (!month.success) throw new ApiError('invalid_request', 'errors.invalid_request', { detail: 'month: YYYY-MM' })
    return c.json(await monthlyReport(mediation.store, month.data, mediation.clock.now(), deps.sla))
  })

  return app
}

function publicMediator(m: Mediator) {
  return { id: m.id, login: m.login, name: m.name, role: m.role, languages: m.languages }
}

function assigneeOf(k: CaseRecord, names: Map<string, string>) {
  return k.assigneeId ? { id: k.assigneeId, name: names.get(k.assigneeId) ?? k.assigneeId } : null
}

function caseView(k: CaseRecord, names: Map<string, string>) {
  return {
    caseId: k.id,
    status: k.status,
    lang: k.lang,
    channel: k.channel,
    topic: k.topic,
    party: k.party,
    amount: k.amount,
    assignee: assigneeOf(k, names),
    createdAt: k.createdAt,
    claimedAt: k.claimedAt,
    firstReplyAt: k.firstReplyAt,
    closedAt: k.closedAt,
    outcome: k.outcome,
    referral: k.referral,
  }
}
