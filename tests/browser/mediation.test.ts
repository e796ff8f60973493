import type { ServerType } from '@hono/node-server'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMediator } from '../../src/core/mediation/accounts.js'
import { launchChromium, listenLocal } from '../support/browser.js'
import { postChat, testApp } from '../support/runtime.js'

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

describe('mediator console and tourist case page in chromium', () => {
  it('a mediator signs in, claims a case and replies; the tourist page shows the reply; tourist text never runs as HTML', async () => {
    const chat = await postChat(setup.app, { message: '\u041a\u0443\u043f\u0438\u043b\u0430 \u0448\u0443\u0431\u0443, \u043e\u043a\u0430\u0437\u0430\u043b\u0430\u0441\u044c \u043f\u043e\u0434\u0434\u0435\u043b\u043a\u0430' })
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    const handoff = await setup.app.request('/api/handoff', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: chat.json.sessionId, message: hostile, party: { name: '"><img src=x onerror="window.__pwned=3">' } }),
    })
    const { caseId, accessCode } = (await handoff.json()) as { caseId: string; accessCode: string }
    await addMediator(setup.accounts, { login: 'li', name: '<b>Li</b>', role: 'mediator', languages: ['zh', 'ru'], password: 'browser-test-password' })

    const mediatorPage = await browser.newPage()
    await mediatorPage.goto(`${base}/mediator`)
    await mediatorPage.fill('#login', 'li')
    await mediatorPage.fill('#password', 'browser-test-password')
    await mediatorPage.click('#login-form button[type=submit]')
    await mediatorPage.click(`#queue li[data-case-id="${caseId}"]`)
    await expect.poll(() => mediatorPage.locator('#case-messages').innerText()).toContain(hostile)
    await mediatorPage.locator('#actions button').first().click() // claim
    await mediatorPage.waitForSelector('#reply-form')
    const reply = '\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435, \u044f \u0432\u0430\u0448 \u043c\u0435\u0434\u0438\u0430\u0442\u043e\u0440.'
    await mediatorPage.fill('#reply', reply)
    await mediatorPage.click('#reply-form button[type=submit]')
    expect((await setup.store.getCase(caseId))!.status).toBe('claimed')

    const touristPage = await browser.newPage()
    await touristPage.goto(`${base}/case?lang=ru#code=${accessCode}`)
    await expect.poll(() => touristPage.locator('#messages li.mediator').allInnerTexts(), { timeout: 5000 }).toEqual([
      expect.stringContaining(reply),
    ])
    expect(new URL(touristPage.url()).hash).toBe('') // the code leaves the address bar

    // The tourist writes; the mediator sees it within two seconds.
    await touristPage.fill('#message', '\u0421\u043f\u0430\u0441\u0438\u0431\u043e!')
    await touristPage.press('#message', 'Enter')
    await expect.poll(() => mediatorPage.locator('#case-messages').innerText(), { timeout: 2500 }).toContain('\u0421\u043f\u0430\u0441\u0438\u0431\u043e!')

    for (const page of [mediatorPage, touristPage]) {
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    }
    expect(await mediatorPage.locator('#case-messages img').count()).toBe(0)
  }, 60_000)

  it('a supervisor sees the monthly report in the console', async () => {
    await addMediator(setup.accounts, { login: 'zhao', name: 'Zhao', role: 'supervisor', languages: ['zh'], password: 'supervisor-password-1' })
    const page = await browser.newPage()
    await page.goto(`${base}/mediator`)
    await page.fill('#login', 'zhao')
    await page.fill('#password', 'supervisor-password-1')
    await page.click('#login-form button[type=submit]')
    await page.click('#report-button')
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7) // Beijing month
    await expect.poll(() => page.locator('#report').innerText()).toContain(`${month}: 1`)
  }, 30_000)
})
