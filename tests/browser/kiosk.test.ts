import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ServerType } from '@hono/node-server'
import type { Browser, BrowserContext } from 'playwright-core'
import { toString as qrToString } from 'qrcode'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../src/adapters/node/consultation-runtime.js'
import { continuationUrl, QR_OPTIONS } from '../../src/http/chat-pages.js'
import { launchChromium, listenLocal } from '../support/browser.js'
import { testApp } from '../support/runtime.js'

// The kiosk in a real browser (Debian chromium) against the real app on 127.0.0.1: one kiosk online (central server
const IDLE_SECONDS = 6
const RU_KIOSK = JSON.parse(readFileSync(join(REPO_ROOT, 'locales', 'ru', 'kiosk.json'), 'utf8'))

let browser: Browser
const servers: ServerType[] = []
const external: string[] = []
let onlineBase: string
let offlineBase: string
let online: ReturnType<typeof testApp>

async function listen(make: (base: string) => ReturnType<typeof testApp>) {
  let made: ReturnType<typeof testApp> | undefined
  const { server, base } = await listenLocal((req) => made!.app.fetch(req))
  servers.push(server)
  made = make(base)
  return { base, app: made }
}

beforeAll(async () => {
  const clock = { now: () => new Date() }
  const a = await listen((base) => testApp({ chatPages: { publicUrl: base, centralReachable: async () => true } }, { clock }))
  onlineBase = a.base
  online = a.app
  offlineBase = (await listen(() => testApp({ chatPages: { kioskIdleSeconds: IDLE_SECONDS } }, { clock }))).base
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  for (const s of servers) s.close()
})

afterEach(() => {
  expect(external).toEqual([]) // no request leaves 127.0.0.1
})

async function kioskContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1080, height: 1920 }, hasTouch: true })
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith(`${onlineBase}/`) || url.startsWith(`${offlineBase}/`)) return route.continue()
    external.push(url)
    return route.abort()
  })
  return context
}

describe('kiosk in chromium', () => {
  it('language first, a topic tile reaches an answer without typing, follow-up chips, a mediator and a QR code to continue on the phone', async () => {
    const context = await kioskContext()
    const page = await context.newPage()
    await page.goto(`${onlineBase}/kiosk`)
    const choices = page.locator('button.language-choice')
    expect(await choices.allInnerTexts()).toEqual(['中文', 'Русский', 'English'])
    for (const box of await Promise.all((await choices.all()).map((b) => b.boundingBox()))) expect(box!.height).toBeGreaterThanOrEqual(48)
    await page.tap('button.language-choice[data-lang="ru"]')
    expect(await page.getAttribute('html', 'lang')).toBe('ru')

    const tiles = page.locator('.tiles button')
    expect(await tiles.count()).toBe(8)
    for (const box of await Promise.all((await tiles.all()).map((b) => b.boundingBox()))) {
      expect(box!.height).toBeGreaterThanOrEqual(48)
      expect(box!.width).toBeGreaterThanOrEqual(48)
    }
    await page.tap('#tile-forcedShopping')
    const answer = page.locator('#kiosk-answer .answer')
    await answer.waitFor()
    expect(await answer.locator('.guidance-title').innerText()).toMatch(/[А-Яа-я]/)
    expect(await answer.locator('details.citation').count()).toBeGreaterThan(0)
    expect(await page.locator('input, textarea').count()).toBe(0) // nothing to type on a kiosk

    // A follow-up chip asks the next question in the same conversation.
    const chips = page.locator('.follow-ups .chip')
    expect(await chips.count()).toBeGreaterThanOrEqual(2)
    await chips.first().tap()
    await expect.poll(() => page.locator('h2.asked').innerText()).toBe(RU_KIOSK.tiles.forcedShopping.followUps[0].question)
    await page.locator('#kiosk-answer .answer').waitFor()

    // Continue on the phone: a QR code of the conversation, made locally.
    await page.locator('#continue-on-phone').waitFor()
    await page.tap('#continue-on-phone')
    await page.locator('#qr-image').waitFor()
    expect(await page.getAttribute('#qr-image', 'src')).toMatch(/^data:image\/svg\+xml/)
    await page.tap('#qr-overlay .overlay-close')

    // A mediator: the case number and access code, and a QR code of the case link with the code in the fragment.
    await page.tap('#kiosk-mediator')
    const accessCode = await page.locator('#access-code').innerText()
    expect(accessCode).toMatch(/^\d{4}-\d{4}-\d{4}-\d$/)
    const caseId = await page.locator('#case-number').innerText()
    expect((await online.store.getCase(caseId))?.channel).toBe('kiosk')
    await page.tap('#case-on-phone')
    await page.locator('#qr-image').waitFor()
    const src = (await page.getAttribute('#qr-image', 'src'))!
    const expected = await qrToString(continuationUrl(onlineBase, { accessCode }, 'ru'), QR_OPTIONS)
    expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toBe(expected)
    expect(continuationUrl(onlineBase, { accessCode }, 'ru')).toBe(`${onlineBase}/case?lang=ru#code=${accessCode}`)
    await page.tap('#qr-overlay .overlay-close')

    // The emergency tile: 110 / 120 / 119 full-screen; no local office configured, so national numbers only.
    await page.tap('#back-to-topics')
    await page.tap('#tile-emergency')
    const emergency = page.locator('#emergency')
    await emergency.waitFor()
    expect(await emergency.locator('.emergency-numbers .number').allInnerTexts()).toEqual(['110', '120', '119'])
    const box = (await emergency.boundingBox())!
    expect([box.width, box.height]).toEqual([1080, 1920])
    expect(await emergency.locator('.staffed').count()).toBe(0)
    await context.close()
  }, 60_000)

  it('offline: no mediator or QR but where to go in person; after the idle time a countdown, then screen, storage, cookies and history are cleared', async () => {
    const context = await kioskContext()
    const page = await context.newPage()
    await page.goto(`${offlineBase}/kiosk`)
    await page.evaluate(`localStorage.setItem('left-behind', 'x'); sessionStorage.setItem('left-behind', 'x'); document.cookie = 'left-behind=x; path=/'`)
    expect(await page.evaluate('document.cookie')).toBe('left-behind=x')
    const historyBefore = await page.evaluate('history.length')
    await page.tap('button.language-choice[data-lang="en"]')
    await page.tap('#tile-lostPassport')
    const title = page.locator('#kiosk-answer .guidance-title')
    await title.waitFor()
    const previous = await title.innerText()
    expect(await page.locator('#offline').isVisible()).toBe(true)
    expect(await page.locator('#kiosk-mediator, #continue-on-phone').count()).toBe(0)

    // Nobody touches the screen: the countdown shows, then everything is cleared.
    await page.locator('#idle-countdown').waitFor({ timeout: IDLE_SECONDS * 1000 + 5000 })
    expect(await page.locator('#idle-countdown').innerText()).toMatch(/\d+ s/)
    await page.locator('button.language-choice').first().waitFor({ timeout: 10_000 })
    expect(await page.locator('#kiosk-answer').count()).toBe(0)
    expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([0, 0, ''])
    expect(await page.evaluate('history.length')).toBe(historyBefore)
    expect(await page.content()).not.toContain(previous)

    // Back shows nothing of the previous person.
    await page.goBack().catch(() => null)
    expect(await page.content()).not.toContain(previous)
    expect(await page.locator('#kiosk-answer').count()).toBe(0)
    await context.close()
  }, 60_000)
})
