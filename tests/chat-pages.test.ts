import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toString as qrToString } from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { centralReachability } from '../src/adapters/node/central-status.js'
import { readConfig } from '../src/config.js'
import type { LocalContact } from '../src/core/knowledge/schema.js'
import { chatPageRoutes, continuationUrl, QR_OPTIONS } from '../src/http/chat-pages.js'
import { postChat, testApp, testRuntime } from './support/runtime.js'

const PUBLIC_URL = 'https://fabao.example'
const online = testApp({ chatPages: { publicUrl: PUBLIC_URL, embedOrigins: ['https://hotel.example', 'http://127.0.0.1:9999'], centralReachable: async () => true, kioskIdleSeconds: 45 } })
const plain = testApp()

const dataBlock = (html: string, id: string) => JSON.parse(new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html)![1]!)

describe('web chat, kiosk and embed pages', () => {
  it('serve / and /kiosk with a strict CSP, no framing, no-store, and no inline or external script', async () => {
    for (const path of ['/', '/kiosk']) {
      const res = await online.app.request(path, { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } })
      expect(res.status).toBe(200)
      const csp = res.headers.get('content-security-policy')!
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toContain('unsafe-inline')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('cache-control')).toBe('no-store')
      const html = await res.text()
      expect(html).toContain('<html lang="ru">')
      // Every script is either our own file or a non-executed JSON data block.
      for (const tag of html.match(/<script[^>]*>/g)!) expect(tag).toMatch(/src="\/assets\/[a-z-]+\.js"|type="application\/json"/)
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    }
  })

  it('lets only the configured origins frame /embed; every other page stays unframeable', async () => {
    const embed = await online.app.request('/embed')
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors https://hotel.example http://127.0.0.1:9999')
    expect(embed.headers.get('x-frame-options')).toBeNull()
    expect(embed.headers.get('cache-control')).toBe('no-store')
    for (const path of ['/', '/kiosk', '/case', '/privacy']) {
      expect((await online.app.request(path)).headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    }
    const closed = await plain.app.request('/embed')
    expect(closed.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(closed.headers.get('x-frame-options')).toBe('DENY')
  })

  it('serves the widget script that inserts an iframe of /embed from its own origin, and the page scripts', async () => {
    const widget = await plain.app.request('/assets/widget.js')
    expect(widget.status).toBe(200)
    expect(widget.headers.get('content-type')).toContain('javascript')
    const source = await widget.text()
    expect(source).toContain('/embed')
    expect(source).toContain("createElement('iframe')")
    for (const name of ['chat.js', 'kiosk.js', 'answer.js', 'chat.css']) expect((await plain.app.request(`/assets/${name}`)).status).toBe(200)
  })

  it('gives the kiosk its idle time, the emergency numbers 110 / 120 / 119 and no office when none is configured', async () => {
    const html = await (await online.app.request('/kiosk')).text()
    const config = dataBlock(html, 'kiosk-config')
    expect(config.idleSeconds).toBe(45)
    expect(config.countdownSeconds).toBe(15)
    expect(config.emergency.map((c: { phone: string }) => c.phone)).toEqual(['110', '120', '119'])
    expect(config.inPerson).toEqual([])
    const strings = dataBlock(html, 'strings')
    expect(Object.keys(strings.kiosk)).toEqual(['zh', 'ru', 'en'])
    expect(strings.kiosk.ru.tiles.forcedShopping.question).toMatch(/магазин/)
  })

  it('lists configured local offices for the kiosk, staffed posts first', async () => {
    const rt = testRuntime()
    const office = (id: string, kind: LocalContact['kind']): LocalContact => ({
      id,
      kind,
      name: { zh: `测试 ${id}`, ru: `Тест ${id}`, en: `Test ${id}` },
      phone: '0456 1234 567',
      address: null,
      hours: null,
      purpose: { zh: '测试', ru: 'тест', en: 'test' },
    })
    const routes = chatPageRoutes({
      i18n: rt.i18n,
      knowledge: rt.knowledge,
      localContacts: [office('customs-post', 'customs'), office('police-post', 'police-station')],
      kioskIdleSeconds: 90,
      embedOrigins: [],
      publicUrl: undefined,
    })
    const config = dataBlock(await (await routes.request('/kiosk')).text(), 'kiosk-config')
    expect(config.inPerson.map((c: { name: { en: string } }) => c.name.en)).toEqual(['Test police-post', 'Test customs-post'])
  })

  it('reports the kiosk offline without a public URL or when the central server does not answer', async () => {
    const status = async (app: ReturnType<typeof testApp>['app']) => (await (await app.request('/api/kiosk/status')).json()) as { online: boolean }
    expect(await status(plain.app)).toEqual({ online: false })
    expect(await status(online.app)).toEqual({ online: true })
    const down = testApp({ chatPages: { publicUrl: PUBLIC_URL, centralReachable: async () => false } })
    expect(await status(down.app)).toEqual({ online: false })
    const res = await online.app.request('/api/kiosk/status')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('makes a QR code of the continuation link with the session or access code only in the fragment', async () => {
    const qr = async (body: unknown, app = online.app) =>
      app.request('/api/kiosk/qr', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

    const sessionUrl = continuationUrl(PUBLIC_URL, { sessionId: 'abc_DEF-123' }, 'ru')
    expect(sessionUrl).toBe('https://fabao.example/?lang=ru#session=abc_DEF-123')
    const bySession = await qr({ sessionId: 'abc_DEF-123', lang: 'ru' })
    expect(bySession.status).toBe(200)
    expect(bySession.headers.get('cache-control')).toBe('no-store')
    expect(((await bySession.json()) as { svg: string }).svg).toBe(await qrToString(sessionUrl, QR_OPTIONS))

    const caseUrl = continuationUrl(PUBLIC_URL, { accessCode: '1234-5678-9012-3' }, 'zh')
    expect(caseUrl).toBe('https://fabao.example/case?lang=zh#code=1234-5678-9012-3')
    const byCase = await qr({ accessCode: '1234-5678-9012-3', lang: 'zh' })
    const svg = ((await byCase.json()) as { svg: string }).svg
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect(svg).toBe(await qrToString(caseUrl, QR_OPTIONS))
    expect(svg).not.toBe(await qrToString('https://fabao.example/case?lang=zh&code=1234-5678-9012-3', QR_OPTIONS))

    expect((await qr({ sessionId: 'abc', lang: 'ru' }, plain.app)).status).toBe(404) // offline: no QR
    expect((await qr({ sessionId: 'a b', lang: 'ru' })).status).toBe(400)
    expect((await qr({ accessCode: '12', lang: 'ru' })).status).toBe(400)
  })
})

/** The guidance card each kiosk tile (and its follow-up chips, in order) must reach in every language. */
const KIOSK_CARDS: Record<string, [string, string, string]> = {
  forcedShopping: ['tour-forced-shopping', 'tour-shopping-return', 'tour-complain-and-sue-agency'],
  fakeGoods: ['consumer-fake-or-misdescribed-goods', 'consumer-fur-coat-authenticity', 'consumer-fraud-punitive-compensation'],
  refund: ['consumer-defective-item-refund-refused', 'consumer-no-refunds-notice', 'consumer-complaint-12315-how-and-deadlines'],
  price: ['consumer-price-tag-differs-at-till', 'consumer-restaurant-by-weight-or-no-prices', 'consumer-taxi-overcharging'],
  hotel: ['consumer-hotel-deposit-withheld', 'stay-registering-accommodation', 'tour-hotel-meals-below-standard'],
  lostPassport: ['stay-lost-stolen-passport-or-visa', 'stay-theft-or-assault-victim', 'tour-luggage-documents-lost'],
  visaFree: ['stay-overstaying-visa-free-entry', 'stay-extending-stay', 'stay-working-studying-on-tourist-entry'],
}

describe('kiosk tiles', () => {
  it('every tile and follow-up question reaches its guidance card in zh, ru and en', async () => {
    const strings = dataBlock(await (await plain.app.request('/kiosk')).text(), 'strings').kiosk
    const reached: string[] = []
    const expected: string[] = []
    for (const lang of ['zh', 'ru', 'en'] as const) {
      for (const [tile, cards] of Object.entries(KIOSK_CARDS)) {
        const t = strings[lang].tiles[tile]
        const questions = [t.question, ...t.followUps.map((f: { question: string }) => f.question)]
        for (const [i, message] of questions.entries()) {
          const { json } = await postChat(plain.app, { message, lang })
          reached.push(`${lang}/${tile}/${i}: ${json.guidance?.cardId}`)
          expected.push(`${lang}/${tile}/${i}: ${cards[i]}`)
        }
      }
    }
    expect(reached).toEqual(expected)
  }, 60_000)
})

describe('configuration of the pages', () => {
  it('defaults the idle time to 90 s and validates embed origins', () => {
    expect(readConfig({}).FABAO_KIOSK_IDLE_SECONDS).toBe(90)
    expect(readConfig({}).FABAO_EMBED_ORIGINS).toEqual([])
    expect(readConfig({ FABAO_EMBED_ORIGINS: 'https://hotel.example  http://127.0.0.1:8080' }).FABAO_EMBED_ORIGINS).toEqual([
      'https://hotel.example',
      'http://127.0.0.1:8080',
    ])
    for (const bad of ['hotel.example', 'https://hotel.example/widget', "'self'", 'https://*.example', 'javascript:alert(1)']) {
      expect(() => readConfig({ FABAO_EMBED_ORIGINS: bad })).toThrow(/FABAO_EMBED_ORIGINS/)
    }
    expect(() => readConfig({ FABAO_KIOSK_IDLE_SECONDS: '3' })).toThrow(/FABAO_KIOSK_IDLE_SECONDS/)
  })
})

describe('central server reachability', () => {
  let server: Server
  let url: string
  let hits = 0
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++
      res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => server.close())

  it('is online when <public URL>/healthz answers, offline when unset or unreachable, and caches briefly', async () => {
    expect(await centralReachability(undefined)()).toBe(false)
    let now = 0
    const check = centralReachability(url, { timeoutMs: 2000, cacheMs: 30_000, now: () => now })
    expect(await check()).toBe(true)
    expect(await check()).toBe(true)
    expect(hits).toBe(1)
    now += 31_000
    expect(await check()).toBe(true)
    expect(hits).toBe(2)

    // A port nobody listens on: refused at once.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((resolve) => closed.close(resolve))
    expect(await centralReachability(deadUrl)()).toBe(false)
  })
})
