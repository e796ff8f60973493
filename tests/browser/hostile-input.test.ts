import type { ServerType } from '@hono/node-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMediator } from '../../src/core/mediation/accounts.js'
import { launchChromium, listenLocal } from '../support/browser.js'
import { postChat, testApp } from '../support/runtime.js'

// Hostile text in every field a person can fill, rendered by the real console, case page and printed agreement in
const PAYLOADS = [
  '<script>window.__pwned=1;alert(1)</script>',
  '"><img src=x onerror="window.__pwned=2;alert(2)">',
  "'><svg onload=\"window.__pwned=3;alert(3)\">",
  '</textarea><iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>',
  '{{constructor.constructor("window.__pwned=5")()}}',
]
const hostile = (label: string) => `${label} ${PAYLOADS.join(' ')}`
/** Merchant fields hold at most 200 characters: three payloads. */
const short = (label: string) => `${label} ${PAYLOADS.slice(0, 3).join(' ')}`
// Contact fields hold at most 100 characters: one payload each.
const CONTACT_NAME = `contact ${PAYLOADS[1]}`
const CONTACT_WECHAT = `wechat ${PAYLOADS[0]}`

let server: ServerType
let base: string
let browser: Browser
const setup = testApp({}, { clock: { now: () => new Date() } })

beforeAll(async () => {
  ;({ server, base } = await listenLocal(setup.app.fetch))
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  server?.close()
})

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  setup.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

/** Dialogs are counted (and dismissed) instead of blocking the page. */
function watch(page: Page, dialogs: string[]) {
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  return page
}

async function expectInert(page: Page) {
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  expect(await page.locator('img[src="x"], svg[onload], iframe[srcdoc]').count()).toBe(0)
}

describe('hostile input in the console, the case page and the agreement (chromium)', () => {
  it('shows every payload as text and runs none of them', async () => {
    // The tourist: a chat message, a handoff with hostile contact and merchant names, a message in the case.
    const chat = await postChat(setup.app, { message: hostile('chat') })
    expect(chat.res.status).toBe(200)
    const handoff = await post('/api/handoff', {
      sessionId: chat.json.sessionId,
      message: hostile('handoff'),
      contact: { name: CONTACT_NAME, phone: '+7 900 000-00-00', wechat: CONTACT_WECHAT },
      consent: true,
      party: { name: short('merchant'), address: short('address') },
      lang: 'ru',
    })
    expect(handoff.status, await handoff.clone().text()).toBe(201)
    const { caseId, accessCode } = (await handoff.json()) as { caseId: string; accessCode: string }

    // The mediator: a hostile display name, a hostile reply and a hostile internal note.
    const password = 'hostile-mediator-password'
    await addMediator(setup.accounts, { login: 'hostile', name: hostile('mediator'), role: 'mediator', languages: ['zh', 'ru'], password })
    const login = await post('/api/mediator/login', { login: 'hostile', password })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    const as = { cookie, 'x-csrf-token': csrfToken }
    expect((await post(`/api/mediator/cases/${caseId}/transition`, { action: 'claim' }, as)).status).toBe(200)
    expect((await post(`/api/mediator/cases/${caseId}/messages`, { text: hostile('reply') }, as)).status).toBe(201)
    expect((await post(`/api/mediator/cases/${caseId}/notes`, { text: hostile('note') }, as)).status).toBe(201)

    const dialogs: string[] = []
    const context = await browser.newContext()

    // The tourist's case page: messages from both sides, and a hostile message typed into the page itself.
    const tourist = watch(await context.newPage(), dialogs)
    await tourist.goto(`${base}/case?lang=ru#code=${accessCode}`)
    await expect.poll(() => tourist.locator('#messages').innerText(), { timeout: 5000 }).toContain('reply <script>')
    await tourist.fill('#message', hostile('typed'))
    await tourist.press('#message', 'Enter')
    await expect.poll(() => tourist.locator('#messages').innerText(), { timeout: 5000 }).toContain('typed <script>')
    expect(await tourist.locator('#messages').innerText()).toContain('"><img src=x onerror=')
    await expectInert(tourist)

    // The console: queue, case view with messages, contact, merchant, assignee and notes.
    const consolePage = watch(await context.newPage(), dialogs)
    await consolePage.goto(`${base}/mediator?lang=ru`)
    await consolePage.fill('#login', 'hostile')
    await consolePage.fill('#password', password)
    await consolePage.click('#login-form button[type=submit]')
    await consolePage.click(`#queue li[data-case-id="${caseId}"]`)
    await expect.poll(() => consolePage.locator('#case-messages').innerText(), { timeout: 5000 }).toContain('typed <script>')
    const view = await consolePage.locator('#case').innerText()
    for (const label of ['chat', 'handoff', 'reply', 'note', 'mediator']) expect(view, label).toContain(hostile(label))
    for (const label of ['merchant', 'address']) expect(view, label).toContain(short(label))
    expect(view).toContain(CONTACT_NAME)
    expect(view).toContain(CONTACT_WECHAT)
    expect(await consolePage.locator('#queue').innerText()).toContain('mediator <script>')
    await expectInert(consolePage)

    // The printed agreement: contact and merchant names on a server-rendered page.
    const agreement = watch(await context.newPage(), dialogs)
    const res = await agreement.goto(`${base}/mediator/cases/${caseId}/agreement`)
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/)
    const printed = await agreement.locator('main').innerText()
    expect(printed).toContain(CONTACT_NAME)
    expect(printed).toContain('merchant <script>')
    await expectInert(agreement)

    // Give anything deferred (timers, image errors, polling re-renders) a chance to fire before the last look.
    await consolePage.waitForTimeout(1500)
    for (const page of [tourist, consolePage, agreement]) await expectInert(page)
    expect(dialogs).toEqual([])
    await context.close()
  }, 60_000)
})
