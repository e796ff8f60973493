import { Hono } from 'hono'
import { z } from 'zod'
import { LANGS } from '../core/knowledge/schema.js'
import { CHANNELS } from '../core/mediation/case.js'
import {
  caseForTourist,
  escalateCase,
  openCaseByCode,
  postTouristMessage,
  withdrawCase,
  type MediationDeps,
} from '../core/mediation/mediation.js'
import { slaState, type SlaPolicy } from '../core/mediation/sla.js'
import type { AppEnv } from './app.js'
import { ApiError } from './errors.js'
import { parseJsonBody } from './json-body.js'
import { header, RequestHeaders } from './protection.js'
import { MAX_MESSAGE_CODE_POINTS, SESSION_ID } from './chat-request.js'

const text = (max: number) => z.string().trim().max(max)
const optionalText = (max: number) => text(max).optional().transform((v) => (v === '' ? undefined : v))

const HandoffSchema = z.object({
  sessionId: z.string().regex(SESSION_ID),
  message: z.string().trim().refine((m) => [...m].length <= MAX_MESSAGE_CODE_POINTS).optional(),
  contact: z
    .object({
      name: optionalText(100),
      phone: optionalText(40),
      email: optionalText(200),
      wechat: optionalText(100),
      passport: optionalText(40),
    })
    .strict()
    .optional(),
  consent: z.boolean().optional(),
  party: z
    .object({ name: optionalText(200), address: optionalText(300), phone: optionalText(40), licence: optionalText(100) })
    .strict()
    .optional(),
  amount: z.number().nonnegative().max(100_000_000).optional(),
  channel: z.enum(CHANNELS).optional(),
  lang: z.enum(LANGS).optional(),
})

const OpenSchema = z.object({ accessCode: z.string().max(64) })
const MessageSchema = z.object({ text: z.string().trim().min(1).refine((m) => [...m].length <= MAX_MESSAGE_CODE_POINTS) })
const WithdrawSchema = z.object({ eraseContact: z.boolean().optional(), reason: optionalText(500) })

/** The tourist's side of a case: hand off, open by access code, read, write, withdraw. The code travels in a header only. */
export function caseRoutes(deps: { mediation: MediationDeps; sla: SlaPolicy }) {
  const app = new Hono<AppEnv>()
  const { mediation } = deps

  const touristCase = async (caseId: string, code: string | undefined) => {
    const found = await caseForTourist(mediation, caseId, code)
    if (!found) throw new ApiError('not_found')
    return found
  }

  app.post('/handoff', async (c) => {
    const body = parseJsonBody(HandoffSchema, await c.req.text())
    if (body.lang) c.set('lang', body.lang)
    const created = await escalateCase(mediation, { ...body, channel: body.channel ?? 'web' })
    c.header('Cache-Control', 'no-store')
    return c.json(created, 201)
  })

  app.post('/cases/open', async (c) => {
    const body = parseJsonBody(OpenSchema, await c.req.text())
    const found = await openCaseByCode(mediation, body.accessCode)
    if (!found) throw new ApiError('not_found', 'errors.case_not_found')
    c.header('Cache-Control', 'no-store')
    return c.json({ caseId: found.id })
  })

  app.get('/cases/:caseId', async (c) => {
    const found = await touristCase(c.req.param('caseId'), header(c, 'x-access-code', RequestHeaders.accessCode))
    c.set('lang', found.lang)
    const messages = await mediation.store.listMessages(found.id)
    const sla = slaState(found, mediation.clock.now(), deps.sla)
    c.header('Cache-Control', 'no-store')
    return c.json({
      caseId: found.id,
      status: found.status,
      lang: found.lang,
      messages: messages.map((m) => ({ from: m.from, text: m.text, at: m.at })),
      replyBy: sla.next && sla.next.clock !== 'close' ? sla.next.due : null,
    })
  })

  app.post('/cases/:caseId/messages', async (c) => {
    const found = await touristCase(c.req.param('caseId'), header(c, 'x-access-code', RequestHeaders.accessCode))
    c.set('lang', found.lang)
    const body = parseJsonBody(MessageSchema, await c.req.text())
    const seq = await postTouristMessage(mediation, found, body.text)
    return c.json({ seq }, 201)
  })

  app.post('/cases/:caseId/withdraw', async (c) => {
    const found = await touristCase(c.req.param('caseId'), header(c, 'x-access-code', RequestHeaders.accessCode))
    c.set('lang', found.lang)
    const body = parseJsonBody(WithdrawSchema, await c.req.text())
    const updated = await withdrawCase(mediation, found, { eraseContact: body.eraseContact ?? false, reason: body.reason })
    return c.json({ caseId: updated.id, status: updated.status })
  })

  return app
}
