import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SqliteStore } from '../src/adapters/node/sqlite-store.js'
import { addMediator } from '../src/core/mediation/accounts.js'
import { applyRetention } from '../src/core/mediation/mediation.js'
import type { Lang } from '../src/core/knowledge/schema.js'
import { postChat, steppingClock, testApp } from './support/runtime.js'

const dirs: string[] = []
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabao-mediation-'))
  dirs.push(dir)
  return join(dir, 'fabao.db')
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

type Setup = ReturnType<typeof testApp>

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

async function mediatorSession(setup: Setup, login: string, role: 'mediator' | 'supervisor' = 'mediator', languages: Lang[] = ['zh', 'ru']) {
  const password = `${login}-long-password-1`
  await addMediator(setup.accounts, { login, name: `Name ${login}`, role, languages, password })
  const res = await setup.app.request('/api/mediator/login', json({ login, password }))
  expect(res.status).toBe(200)
  const cookie = res.headers.get('set-cookie')!
  expect(cookie).toMatch(/HttpOnly/i)
  expect(cookie).toMatch(/SameSite=Strict/i)
  const { csrfToken, mediator } = (await res.json()) as { csrfToken: string; mediator: { id: string } }
  const headers = { cookie: cookie.split(';')[0]!, 'x-csrf-token': csrfToken }
  const get = async (path: string) => {
    const r = await setup.app.request(`/api/mediator${path}`, { headers })
    return { status: r.status, body: (await r.json()) as any }
  }
  const post = async (path: string, body: unknown) => {
    const r = await setup.app.request(`/api/mediator${path}`, json(body, headers))
    return { status: r.status, body: (await r.json()) as any }
  }
  return { id: mediator.id, headers, get, post }
}

async function openCaseFromChat(setup: Setup, message: string, handoff: Record<string, unknown> = {}) {
  const chat = await postChat(setup.app, { message })
  expect(chat.res.status).toBe(200)
  const res = await setup.app.request('/api/handoff', json({ sessionId: chat.json.sessionId, ...handoff }))
  const body = (await res.json()) as any
  return { status: res.status, body, sessionId: chat.json.sessionId as string, chat: chat.json }
}

const touristView = async (setup: Setup, caseId: string, code?: string) => {
  const res = await setup.app.request(`/api/cases/${caseId}`, { headers: code ? { 'x-access-code': code } : {} })
  return { status: res.status, body: (await res.json()) as any }
}

const QUESTIONS: Record<Lang, { question: string; reply: string }> = {
  zh: { question: '\u5728\u76ae\u8349\u5e97\u4e70\u7684\u8c82\u76ae\u5927\u8863\u662f\u5047\u7684\uff0c\u5546\u5bb6\u4e0d\u9000\u6b3e', reply: '\u60a8\u597d\uff0c\u6211\u662f\u8d1f\u8d23\u60a8\u6848\u4ef6\u7684\u8c03\u89e3\u5458\u3002' },
  ru: { question: '\u041a\u0443\u043f\u0438\u043b\u0430 \u0448\u0443\u0431\u0443, \u043e\u043a\u0430\u0437\u0430\u043b\u0430\u0441\u044c \u043f\u043e\u0434\u0434\u0435\u043b\u043a\u0430, \u043f\u0440\u043e\u0434\u0430\u0432\u0435\u0446 \u043d\u0435 \u0432\u043e\u0437\u0432\u0440\u0430\u0449\u0430\u0435\u0442 \u0434\u0435\u043d\u044c\u0433\u0438', reply: '\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435, \u044f \u043c\u0435\u0434\u0438\u0430\u0442\u043e\u0440 \u043f\u043e \u0432\u0430\u0448\u0435\u043c\u0443 \u0434\u0435\u043b\u0443.' },
  en: { question: 'I bought a mink coat that turned out to be fake and the shop refuses a refund', reply: 'Hello, I am the mediator for your case.' },
}

describe('a case from handoff to resolution', () => {
  for (const lang of ['zh', 'ru', 'en'] as const) {
    it(`in ${lang}: handoff, open by code, claim (bot silent), reply, resolve — every step audited`, async () => {
      const setup = testApp({}, { store: new SqliteStore(tempDb()), clock: steppingClock() })
      const { question, reply } = QUESTIONS[lang]
      const created = await openCaseFromChat(setup, question, {
        message: 'Please help me',
        contact: { name: 'Anna', phone: '+7 900 000-00-00' },
        consent: true,
        party: { name: 'Fur shop' },
        amount: 12000,
      })
      expect(created.status).toBe(201)
      expect(Object.keys(created.body).sort()).toEqual(['accessCode', 'caseId', 'status'])
      expect(created.body.status).toBe('new')
      expect(created.body.accessCode).toMatch(/^\d{4}-\d{4}-\d{4}-\d$/)
      const { caseId, accessCode } = created.body

      // The code opens the case typed with spaces instead of dashes.
      const opened = await setup.app.request('/api/cases/open', json({ accessCode: accessCode.replace(/-/g, ' ') }))
      expect(opened.status).toBe(200)
      expect(await opened.json()).toEqual({ caseId })

      const before = await touristView(setup, caseId, accessCode)
      expect(before.status).toBe(200)
      expect(before.body).toMatchObject({ caseId, status: 'new', lang })
      expect(before.body.messages.map((m: { from: string }) => m.from)).toEqual(['tourist', 'bot', 'tourist'])
      expect(before.body.messages[0].text).toBe(question)

      const mediator = await mediatorSession(setup, `med-${lang}`, 'mediator', [lang])
      const queue = await mediator.get('/queue')
      expect(queue.body.cases.map((c: { caseId: string }) => c.caseId)).toContain(caseId)
      expect((await mediator.post(`/cases/${caseId}/transition`, { action: 'claim' })).body.status).toBe('claimed')

      // After the claim the bot is silent: the message goes to the mediator.
      const silent = await postChat(setup.app, { message: question, sessionId: created.sessionId })
      expect(silent.json.citations).toEqual([])
      expect(silent.json.case).toEqual({ caseId, status: 'claimed' })
      const seen = await mediator.get(`/cases/${caseId}`)
      expect(seen.body.messages.at(-1)).toMatchObject({ from: 'tourist', text: question })
      expect(seen.body.messages.filter((m: { from: string }) => m.from === 'bot')).toHaveLength(1)
      expect(seen.body.contact.details).toEqual({ name: 'Anna', phone: '+7 900 000-00-00' })

      expect((await mediator.post(`/cases/${caseId}/messages`, { text: reply })).status).toBe(201)
      const after = await touristView(setup, caseId, accessCode)
      expect(after.body.messages.at(-1)).toMatchObject({ from: 'mediator', text: reply })

      expect((await mediator.post(`/cases/${caseId}/transition`, { action: 'start-mediation' })).body.status).toBe('in-mediation')
      const resolved = await mediator.post(`/cases/${caseId}/transition`, {
        action: 'resolve',
        reason: 'agreement signed',
        outcome: { summary: 'Shop refunds in full', amountAgreed: 12000 },
      })
      expect(resolved.body.status).toBe('resolved')
      expect((await touristView(setup, caseId, accessCode)).body.status).toBe('resolved')

      const audit = (await mediator.get(`/cases/${caseId}`)).body.audit as { actor: string; action: string; detail: any }[]
      const transitions = audit.filter((a) => ['create', 'claim', 'start-mediation', 'resolve'].includes(a.action))
      expect(transitions.map((a) => a.action)).toEqual(['create', 'claim', 'start-mediation', 'resolve'])
      expect(transitions.slice(1).every((a) => a.actor === `mediator:${mediator.id}`)).toBe(true)
      expect(transitions.at(-1)!.detail).toMatchObject({ from: 'in-mediation', to: 'resolved', reason: 'agreement signed' })
    })
  }

  it('lets the bot answer again once the mediator hands the case back', async () => {
    const setup = testApp()
    const created = await openCaseFromChat(setup, QUESTIONS.en.question)
    const mediator = await mediatorSession(setup, 'handback', 'mediator', ['en'])
    await mediator.post(`/cases/${created.body.caseId}/transition`, { action: 'claim' })
    expect((await postChat(setup.app, { message: QUESTIONS.en.question, sessionId: created.sessionId })).json.citations).toEqual([])
    const danger = await postChat(setup.app, { message: 'He is attacking me, help, call the police!', sessionId: created.sessionId })
    expect(danger.json.citations).toEqual([])
    expect(danger.json.emergency).toBe(true)
    expect(danger.json.answer).toContain('110')
    expect((await mediator.post(`/cases/${created.body.caseId}/transition`, { action: 'hand-back', reason: 'off shift' })).body.status).toBe('new')
    const again = await postChat(setup.app, { message: QUESTIONS.en.question, sessionId: created.sessionId })
    expect(again.json.citations.length).toBeGreaterThan(0)
  })
})

describe('tourist access', () => {
  it('answers a wrong, malformed or missing code exactly like an unknown case: 404', async () => {
    const setup = testApp()
    const { body } = await openCaseFromChat(setup, QUESTIONS.ru.question)
    const wrongDigit = body.accessCode.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10))
    const responses = [
      await touristView(setup, body.caseId, wrongDigit),
      await touristView(setup, body.caseId, 'abc'),
      await touristView(setup, body.caseId),
      await touristView(setup, 'HH-0000-0000', body.accessCode),
    ]
    for (const r of responses) {
      expect(r.status).toBe(404)
      expect(r.body.error.code).toBe('not_found')
    }
    const viaQuery = await setup.app.request(`/api/cases/${body.caseId}?code=${body.accessCode}`)
    expect(viaQuery.status).toBe(404)
    const opened = await setup.app.request('/api/cases/open', json({ accessCode: wrongDigit }))
    expect(opened.status).toBe(404)
  })

  it('refuses contact details without consent, in the user language, and creates nothing', async () => {
    const setup = testApp()
    const chat = await postChat(setup.app, { message: QUESTIONS.ru.question })
    const res = await setup.app.request('/api/handoff', json({ sessionId: chat.json.sessionId, contact: { phone: '+7 900 111-22-33' } }))
    expect(res.status).toBe(400)
    const body = (await res.json()) as any
    expect(body.error.code).toBe('consent_required')
    expect(await setup.store.listCases()).toEqual([])
  })

  it('lets the tourist withdraw and erase contact details with the code', async () => {
    const setup = testApp()
    const { body } = await openCaseFromChat(setup, QUESTIONS.en.question, { contact: { email: 'a@example.org' }, consent: true })
    const res = await setup.app.request(`/api/cases/${body.caseId}/withdraw`, json({ eraseContact: true }, { 'x-access-code': body.accessCode }))
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).status).toBe('withdrawn')
    expect(await setup.store.getContact(body.caseId)).toBeNull()
  })
})

describe('handoff errors', () => {
  it('are told in the body\'s language even when the rest of the body is wrong', async () => {
    const { app } = testApp()
    const response = await app.request('/api/handoff', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({ lang: 'ru', sessionId: 42 }),
    })
    expect(response.status).toBe(400)
    const { error } = (await response.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('invalid_request')
    expect(error.message).toMatch(/^Некорректный запрос: /)
  })
})

describe('mediator access', () => {
  it('answers 401 under /api/mediator without a session, and for a wrong password', async () => {
    const setup = testApp()
    for (const [method, path] of [['GET', '/queue'], ['GET', '/me'], ['GET', '/cases/HH-0000-0000'], ['POST', '/cases/HH-0000-0000/transition'], ['GET', '/report?month=2026-11']]) {
      const res = await setup.app.request(`/api/mediator${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) })
      expect(res.status, path).toBe(401)
    }
    await addMediator(setup.accounts, { login: 'wang', name: 'Wang', role: 'mediator', languages: ['zh'], password: 'correct-horse-battery' })
    const bad = await setup.app.request('/api/mediator/login', json({ login: 'wang', password: 'wrong-password-here' }))
    expect(bad.status).toBe(401)
    expect(bad.headers.get('set-cookie')).toBeNull()
  })

  it('rejects a change without the CSRF token of the session', async () => {
    const setup = testApp()
    const { body } = await openCaseFromChat(setup, QUESTIONS.zh.question)
    const mediator = await mediatorSession(setup, 'csrf')
    for (const token of [undefined, 'not-the-token']) {
      const headers: Record<string, string> = { cookie: mediator.headers.cookie, ...(token ? { 'x-csrf-token': token } : {}) }
      const res = await setup.app.request(`/api/mediator/cases/${body.caseId}/transition`, json({ action: 'claim' }, headers))
      expect(res.status).toBe(403)
      expect(((await res.json()) as any).error.code).toBe('csrf_failed')
    }
    expect((await setup.store.getCase(body.caseId))!.status).toBe('new')
  })

  it('shows contact details and notes only to the assignee and supervisors; claimed cases only to them', async () => {
    const setup = testApp()
    const { body } = await openCaseFromChat(setup, QUESTIONS.ru.question, { contact: { phone: '+7 900 222-33-44' }, consent: true })
    const a = await mediatorSession(setup, 'alpha')
    const b = await mediatorSession(setup, 'bravo')
    const boss = await mediatorSession(setup, 'boss', 'supervisor')
    const unclaimed = await b.get(`/cases/${body.caseId}`)
    expect(unclaimed.status).toBe(200)
    expect(unclaimed.body.messages.length).toBeGreaterThan(0)
    expect(unclaimed.body.contact).toBeNull()
    await a.post(`/cases/${body.caseId}/transition`, { action: 'claim' })
    await a.post(`/cases/${body.caseId}/notes`, { text: 'merchant called, offers half' })
    expect((await b.get(`/cases/${body.caseId}`)).status).toBe(403)
    expect((await b.post(`/cases/${body.caseId}/messages`, { text: 'hi' })).status).toBe(403)
    expect((await b.post(`/cases/${body.caseId}/transition`, { action: 'claim' })).status).toBe(409)
    const own = await a.get(`/cases/${body.caseId}`)
    expect(own.body.contact.details.phone).toBe('+7 900 222-33-44')
    expect(own.body.notes.map((n: { text: string }) => n.text)).toEqual(['merchant called, offers half'])
    const supervisor = await boss.get(`/cases/${body.caseId}`)
    expect(supervisor.body.contact.details.phone).toBe('+7 900 222-33-44')
    expect(supervisor.body.notes).toHaveLength(1)
    // Notes never reach the tourist.
    const tourist = await touristView(setup, body.caseId, body.accessCode)
    expect(JSON.stringify(tourist.body)).not.toContain('offers half')
    expect((await b.get('/report?month=2026-11')).status).toBe(403)
    const report = await boss.get('/report?month=2026-11')
    expect(report.body).toMatchObject({ month: '2026-11', cases: 1, byLang: { ru: 1 } })
  })
})

describe('durability and retention', () => {
  it('keeps every acknowledged case and message across a restart, and the code still opens it', async () => {
    const file = tempDb()
    const first = testApp({}, { store: new SqliteStore(file) })
    const { body } = await openCaseFromChat(first, QUESTIONS.en.question)
    const sent = await first.app.request(`/api/cases/${body.caseId}/messages`, json({ text: 'Are you there?' }, { 'x-access-code': body.accessCode }))
    expect(sent.status).toBe(201)
    ;(first.store as SqliteStore).close()
    const second = testApp({}, { store: new SqliteStore(file) })
    const view = await touristView(second, body.caseId, body.accessCode)
    expect(view.status).toBe(200)
    expect(view.body.messages.at(-1)).toMatchObject({ from: 'tourist', text: 'Are you there?' })
    ;(second.store as SqliteStore).close()
  })

  it('deletes chats that never became a case after 7 days and personal data of closed cases after 180', async () => {
    const clock = steppingClock()
    const setup = testApp({}, { clock })
    const lonely = await postChat(setup.app, { message: QUESTIONS.en.question })
    const { body } = await openCaseFromChat(setup, QUESTIONS.ru.question, { contact: { phone: '+7 900 333-44-55' }, consent: true })
    const mediator = await mediatorSession(setup, 'retain')
    await mediator.post(`/cases/${body.caseId}/transition`, { action: 'refer', referral: { to: 'court', note: 'needs a judgment' } })
    clock.advance(6 * 24 * 60)
    expect(await applyRetention(setup.mediation, { chatDays: 7, caseDays: 180 })).toEqual({ chats: 0, cases: 0 })
    clock.advance(2 * 24 * 60)
    expect(await applyRetention(setup.mediation, { chatDays: 7, caseDays: 180 })).toEqual({ chats: 1, cases: 0 })
    expect(await setup.store.getSession(lonely.json.sessionId)).toBeNull()
    expect(await setup.store.getContact(body.caseId)).not.toBeNull()
    clock.advance(180 * 24 * 60)
    expect(await applyRetention(setup.mediation, { chatDays: 7, caseDays: 180 })).toEqual({ chats: 0, cases: 1 })
    expect(await setup.store.getContact(body.caseId)).toBeNull()
    expect(await setup.store.listMessages(body.caseId)).toEqual([])
    const kept = (await setup.store.getCase(body.caseId))!
    expect(kept).toMatchObject({ status: 'referred', lang: 'ru', party: null, referral: { to: 'court', note: '' } })
  })
})
