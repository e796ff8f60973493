import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ServerType } from '@hono/node-server'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, listenLocal } from '../support/browser.js'
import { testApp } from '../support/runtime.js'

let app: ReturnType<typeof testApp>
let server: ServerType
let partner: Server
let base: string
let partnerBase: string
let browser: Browser
/** Every request the pages tried to send anywhere but the two 127.0.0.1 servers. */
const external: string[] = []

const RU_QUESTION = 'Купила норковую шубу, а она оказалась не из норки. Что делать?'
const ZH_QUESTION = '导游强迫我们在购物店购物，不买不让走，怎么办？'
const EN_QUESTION = 'The item I bought is defective and the shop refuses a refund. What can I do?'

beforeAll(async () => {
  // A partner's site on a second port that includes the widget with one script tag.
  partner = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><html lang="en"><head><title>Hotel</title></head><body><h1>Hotel</h1><script src="${base}/assets/widget.js" data-lang="ru" data-height="700"></script></body></html>`)
  })
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve))
  partnerBase = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`

  // Listen first, so the app can be told its own public URL.
  ;({ server, base } = await listenLocal((req) => app.app.fetch(req)))
  app = testApp({ chatPages: { publicUrl: base, embedOrigins: [partnerBase], centralReachable: async () => true } }, { clock: { now: () => new Date() } })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  server?.close()
  partner?.close()
})

afterEach(() => {
  expect(external).toEqual([]) // no request leaves 127.0.0.1: no CDN, webfont or external script
})

async function guardedContext(locale: string): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: { width: 412, height: 860 } })
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (url.startsWith(`${base}/`) || url.startsWith(`${partnerBase}/`)) return route.continue()
    external.push(url)
    return route.abort()
  })
  return context
}

describe('web chat in chromium', () => {
  it('a Russian question typed and sent with Enter is answered; citations open to the Chinese original and the labelled translation; the merchant card fills the screen', async () => {
    const context = await guardedContext('en-US')
    const page = await context.newPage()
    await page.goto(`${base}/`)
    expect(await page.getAttribute('html', 'lang')).toBe('en')

    // Shift+Enter makes a new line and sends nothing.
    await page.click('#question')
    await page.keyboard.type('Купила норковую шубу,')
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type('а она оказалась не из норки. Что делать?')
    expect(await page.inputValue('#question')).toContain('\n')
    expect(await page.locator('#chat-log li').count()).toBe(0)
    await page.fill('#question', RU_QUESTION)
    await page.press('#question', 'Enter')

    const answer = page.locator('#chat-log li.bot .answer').first()
    await answer.waitFor()
    expect(await page.inputValue('#question')).toBe('')
    expect(await answer.getAttribute('lang')).toBe('ru')
    expect(await page.getAttribute('html', 'lang')).toBe('ru') // the page follows the answer language
    await expect.poll(() => answer.locator('.guidance-title').innerText()).toMatch(/[А-Яа-я]/)

    const citation = answer.locator('details.citation').first()
    expect(await citation.locator('blockquote[lang="zh"]').isVisible()).toBe(false)
    await citation.locator('summary').click()
    expect(await citation.locator('blockquote[lang="zh"]').isVisible()).toBe(true)
    expect(await citation.locator('blockquote[lang="zh"]').innerText()).toMatch(/\p{Script=Han}/u)
    expect(await citation.locator('summary').innerText()).toMatch(/статья \d+/)
    expect(await citation.locator('.unofficial').innerText()).toMatch(/Неофициальный перевод/)

    await answer.locator('.merchant-open').click()
    const card = page.locator('#merchant-card')
    await card.waitFor()
    const box = (await card.boundingBox())!
    expect(box.width).toBe(412)
    expect(box.height).toBe(860)
    expect(await card.locator('[lang="zh"] p').innerText()).toMatch(/\p{Script=Han}/u)
    expect(await card.locator('[lang="ru"] p').innerText()).toMatch(/[А-Яа-я]/)
    await page.keyboard.press('Escape')
    expect(await card.count()).toBe(0)
    await context.close()
  }, 60_000)

  it('the language switcher is remembered across a reload; Chinese and English questions get citations', async () => {
    const context = await guardedContext('en-US')
    const page = await context.newPage()
    await page.goto(`${base}/`)
    await page.click('#lang-switch button[data-lang="zh"]')
    expect(await page.getAttribute('html', 'lang')).toBe('zh')
    await page.reload()
    expect(await page.getAttribute('html', 'lang')).toBe('zh')
    expect(await page.getAttribute('#lang-switch button[data-lang="zh"]', 'aria-pressed')).toBe('true')
    expect(await page.innerText('#send')).toBe('发送')

    await page.fill('#question', ZH_QUESTION)
    await page.press('#question', 'Enter')
    const zh = page.locator('#chat-log li.bot .answer').first()
    await zh.waitFor()
    await zh.locator('details.citation summary').first().click()
    expect(await zh.locator('details.citation blockquote[lang="zh"]').first().isVisible()).toBe(true)
    expect(await zh.locator('details.citation summary').first().innerText()).toMatch(/第\d+条/)

    await page.click('#lang-switch button[data-lang="en"]')
    await page.fill('#question', EN_QUESTION)
    await page.press('#question', 'Enter')
    const en = page.locator('#chat-log li.bot .answer').nth(1)
    await en.waitFor()
    expect(await en.getAttribute('lang')).toBe('en')
    await en.locator('details.citation summary').first().click()
    expect(await en.locator('details.citation .unofficial').first().innerText()).toMatch(/Unofficial translation/)
    await page.reload()
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    await context.close()
  }, 60_000)

  it('"talk to a mediator" starts a case, shows its number and access code, and the case page opens with the code', async () => {
    const context = await guardedContext('ru-RU')
    const page = await context.newPage()
    await page.goto(`${base}/`)
    expect(await page.isDisabled('#mediator')).toBe(true) // a question first
    await page.fill('#question', RU_QUESTION)
    await page.press('#question', 'Enter')
    await page.locator('#chat-log li.bot .answer').first().waitFor()
    await page.click('#mediator')
    const caseId = await page.locator('#case-number').innerText()
    const accessCode = await page.locator('#access-code').innerText()
    expect(accessCode).toMatch(/^\d{4}-\d{4}-\d{4}-\d$/)
    const stored = await app.store.getCase(caseId)
    expect(stored?.channel).toBe('web')
    expect(stored?.lang).toBe('ru')

    await page.click('#open-case')
    await expect.poll(() => page.locator('#case-id').count()).toBe(1)
    expect(await page.locator('#case-id').innerText()).toBe(caseId)
    expect(new URL(page.url()).hash).toBe('')
    await context.close()
  }, 60_000)

  it('the widget on a partner site at another 127.0.0.1 port shows the chat in an iframe that answers', async () => {
    const context = await guardedContext('en-US')
    const page = await context.newPage()
    await page.goto(`${partnerBase}/`)
    const frame = page.frameLocator('iframe.fabao-widget')
    await frame.locator('#question').waitFor()
    expect(await frame.locator('html').getAttribute('lang')).toBe('ru') // data-lang on the tag
    await frame.locator('#question').fill(RU_QUESTION)
    await frame.locator('#question').press('Enter')
    await frame.locator('#chat-log li.bot .answer details.citation').first().waitFor()
    expect(await page.locator('iframe.fabao-widget').getAttribute('src')).toBe(`${base}/embed?lang=ru`)
    await context.close()
  }, 60_000)
})
