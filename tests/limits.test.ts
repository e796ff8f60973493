import { describe, expect, it } from 'vitest'
import { clientAddressResolver, parseTrustedProxyList } from '../src/http/client-address.js'
import { AttemptBackoff, RateLimiter, takeOpenIdBudget } from '../src/http/rate-limit.js'
import { readConfig } from '../src/config.js'
import { addMediator } from '../src/core/mediation/accounts.js'
import { postChat, steppingClock, testApp } from './support/runtime.js'

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
const byHeader = (c: { req: { header: (n: string) => string | undefined } }) => c.req.header('x-test-client') ?? 'anonymous'

async function openCase(setup: ReturnType<typeof testApp>) {
  const chat = await postChat(setup.app, { message: 'I bought a fake fur coat and the shop refuses a refund' })
  const res = await setup.app.request('/api/handoff', json({ sessionId: chat.json.sessionId }))
  return (await res.json()) as { caseId: string; accessCode: string }
}

describe('client address', () => {
  it('uses the socket peer unless the peer is a trusted proxy, then reads X-Forwarded-For from the right', () => {
    const off = clientAddressResolver(false)
    expect(off('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9')
    const one = clientAddressResolver(true)
    expect(one('::ffff:10.0.0.5', 'spoofed-by-client, 198.51.100.7')).toBe('198.51.100.7')
    const list = clientAddressResolver(parseTrustedProxyList('10.0.0.0/8, ::1'))
    expect(list('10.0.0.5', '1.1.1.1, 198.51.100.7, 10.0.0.9')).toBe('198.51.100.7') // 1.1.1.1 was sent by the client
    expect(list('203.0.113.9', '198.51.100.7')).toBe('203.0.113.9') // not from our proxy: header ignored
    expect(list('::1', '2001:db8::1')).toBe('2001:db8::1')
    expect(list('10.0.0.5', '<script>, 198.51.100.7')).toBe('198.51.100.7')
    expect(list('10.0.0.5', '198.51.100.7, <script>')).toBe('10.0.0.5') // malformed last hop: header ignored
    expect(() => parseTrustedProxyList('10.0.0.0/33')).toThrow()
  })

  it('reads FABAO_TRUST_PROXY as off, on or a list, and refuses anything else at start', () => {
    expect(readConfig({}).FABAO_TRUST_PROXY).toBe(false)
    expect(readConfig({ FABAO_TRUST_PROXY: 'on' }).FABAO_TRUST_PROXY).toBe(true)
    expect(readConfig({ FABAO_TRUST_PROXY: '127.0.0.1, 172.16.0.0/12' }).FABAO_TRUST_PROXY).toEqual(['127.0.0.1', '172.16.0.0/12'])
    expect(() => readConfig({ FABAO_TRUST_PROXY: 'my-proxy' })).toThrow(/FABAO_TRUST_PROXY/)
    expect(() => readConfig({ FABAO_KIOSK_TOKENS: 'short' })).toThrow(/FABAO_KIOSK_TOKENS/)
    expect(readConfig({ FABAO_KIOSK_TOKENS: 'kiosk-token-ferry-terminal-1, kiosk-token-ferry-terminal-2' }).FABAO_KIOSK_TOKENS).toHaveLength(2)
  })
})

describe('request budgets', () => {
  it('limits each address on /api/* with a 429 in the user language and Retry-After; other addresses go on', async () => {
    const { app } = testApp({ rateLimitPerMinute: 3, clientKey: byHeader })
    const ask = (client: string) => postChat(app, { message: 'Мне продали поддельную шубу' }, { 'x-test-client': client, 'accept-language': 'ru-RU,ru;q=0.9' })
    for (let i = 0; i < 3; i++) expect((await ask('a')).res.status).toBe(200)
    const limited = await ask('a')
    expect(limited.res.status).toBe(429)
    expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.json.error.code).toBe('rate_limited')
    expect(limited.json.error.message).toMatch(/[а-я]/)
    expect((await ask('b')).res.status).toBe(200)
  })

  it('gives a kiosk with a valid X-Kiosk-Token its own budget; an unknown token counts as its address', async () => {
    const token = 'kiosk-token-ferry-terminal-1'
    const { app } = testApp({ rateLimitPerMinute: 2, rateLimits: { kioskPerMinute: 5, kioskTokens: [token] }, clientKey: byHeader })
    const ask = (headers: Record<string, string>) => postChat(app, { message: 'fake fur coat, no refund' }, { 'x-test-client': 'ferry-wifi', ...headers })
    for (let i = 0; i < 2; i++) expect((await ask({})).res.status).toBe(200)
    expect((await ask({})).res.status).toBe(429) // the ferry Wi-Fi address is spent …
    expect((await ask({ 'x-kiosk-token': 'kiosk-token-guessed-wrong-1' })).res.status).toBe(429)
    for (let i = 0; i < 5; i++) expect((await ask({ 'x-kiosk-token': token })).res.status).toBe(200) // … the kiosk is not
    expect((await ask({ 'x-kiosk-token': token })).res.status).toBe(429)
  })

  it('meters pages separately, never health probes, and leaves /wechat to its per-OpenID budget', async () => {
    const { app } = testApp({ rateLimitPerMinute: 1, rateLimits: { pagePerMinute: 2, openIdPerMinute: 2 }, clientKey: byHeader })
    expect((await app.request('/privacy')).status).toBe(200)
    expect((await app.request('/case')).status).toBe(200)
    expect((await app.request('/privacy')).status).toBe(429)
    for (let i = 0; i < 5; i++) expect((await app.request('/healthz')).status).toBe(200)
    for (let i = 0; i < 5; i++) expect([200, 503]).toContain((await app.request('/readyz')).status)
    for (let i = 0; i < 3; i++) expect((await app.request('/wechat')).status).not.toBe(429)
    // The hook the WeChat route calls once per message.
    let waits: number[] = []
    const probe = testApp({ rateLimits: { openIdPerMinute: 2 } })
    probe.app.get('/probe/:openId', (c) => {
      waits.push(takeOpenIdBudget(c, c.req.param('openId')))
      return c.text('ok')
    })
    for (const id of ['oA', 'oA', 'oA', 'oB']) await probe.app.request(`/probe/${id}`)
    expect(waits.map((w) => w > 0)).toEqual([false, false, true, false])
    waits = []
  })

  it('keeps its memory bounded whatever the number of clients', () => {
    const limiter = new RateLimiter(1, 60_000, 1000)
    for (let i = 0; i < 50_000; i++) limiter.take(`spoofed-${i}`, 0)
    expect(limiter.size).toBe(1000)
    const backoff = new AttemptBackoff({ freeFailures: 0, baseSeconds: 1, maxSeconds: 60, forgetAfterSeconds: 60 }, 1000)
    for (let i = 0; i < 50_000; i++) backoff.fail(`case-${i}`, 0)
    expect(backoff.size).toBe(1000)
  })
})

describe('access-code backoff', () => {
  it('backs off exponentially per client on wrong codes, with Retry-After, and lets a client in after the wait', async () => {
    const clock = steppingClock()
    const setup = testApp({ clientKey: byHeader }, { clock })
    const { caseId, accessCode } = await openCase(setup)
    const tryCode = (code: string, client = 'guesser') =>
      setup.app.request('/api/cases/open', json({ accessCode: code }, { 'x-test-client': client, 'accept-language': 'zh-CN' }))
    for (let i = 0; i < 5; i++) expect((await tryCode(`0000-0000-000${i}-0`)).status).toBe(404) // five free tries
    expect((await tryCode('0000-0000-0010-0')).status).toBe(404) // the sixth is checked, then 2 s to wait
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      const refused = await tryCode(accessCode) // even the right code waits: the wait is not an oracle
      expect(refused.status).toBe(429)
      const body = (await refused.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('rate_limited')
      expect(body.error.message).toMatch(/[\u4e00-\u9fff]/)
      const wait = Number(refused.headers.get('retry-after'))
      waits.push(wait)
      clock.advance(wait / 60)
      expect((await tryCode('1111-1111-1111-1')).status).toBe(404)
    }
    expect(waits).toEqual([2, 4, 8, 16])
    // Another client (the real tourist on another network) is not held back by this guesser.
    expect((await tryCode(accessCode, 'tourist')).status).toBe(200)
    // Never a permanent lock: after the capped wait the right code opens the case, and clears the client.
    clock.advance(5)
    expect((await tryCode(accessCode)).status).toBe(200)
    expect((await tryCode('2222-2222-2222-2')).status).toBe(404)
    expect((await tryCode(accessCode)).status).toBe(200)
    expect(caseId).toBeTruthy()
  })

  it('backs off per case when many addresses guess one case’s code; the tourist gets in after the capped wait', async () => {
    const clock = steppingClock()
    const setup = testApp({ clientKey: byHeader }, { clock })
    const { caseId, accessCode } = await openCase(setup)
    const view = (code: string, client: string) =>
      setup.app.request(`/api/cases/${caseId}`, { headers: { 'x-access-code': code, 'x-test-client': client } })
    let refused: Response | undefined
    for (let i = 0; i < 40; i++) {
      const res = await view(`9999-0000-${String(i).padStart(4, '0')}-1`, `botnet-${i}`)
      if (res.status === 429) {
        refused = res
        break
      }
      expect(res.status).toBe(404)
    }
    expect(refused, 'a case under attack makes guessers wait').toBeDefined()
    expect((await view(accessCode, 'tourist')).status).toBe(429) // the case waits for everyone …
    clock.advance(6) // … but at most 5 minutes, whatever happened before
    const opened = await view(accessCode, 'tourist')
    expect(opened.status).toBe(200)
    expect(((await opened.json()) as { caseId: string }).caseId).toBe(caseId)
  })
})

describe('mediator sign-in throttle', () => {
  it('backs off per account and per client after five failures, and signs in after the wait', async () => {
    const clock = steppingClock()
    const setup = testApp({ clientKey: byHeader }, { clock })
    await addMediator(setup.accounts, { login: 'wang', name: 'Wang', role: 'mediator', languages: ['zh'], password: 'wang-long-password-1' })
    const login = (password: string, client: string, login = 'wang') =>
      setup.app.request('/api/mediator/login', json({ login, password }, { 'x-test-client': client }))
    for (let i = 0; i < 6; i++) expect((await login(`wrong-${i}`, `attacker-${i}`)).status).toBe(401)
    const refused = await login('wang-long-password-1', 'office')
    expect(refused.status).toBe(429) // the account waits, whichever address tries
    expect(Number(refused.headers.get('retry-after'))).toBe(2)
    for (let i = 0; i < 6; i++) expect((await login(`wrong-${i}`, 'one-client', `nobody-${i}`)).status).toBe(401)
    expect((await login('x', 'one-client', 'someone-else')).status).toBe(429) // and the client waits, whichever account
    clock.advance(1)
    expect((await login('wang-long-password-1', 'office')).status).toBe(200)
  })
})

describe('limits at every boundary', () => {
  it('refuses bodies over 64 KiB on every route, pages included, with 413 in the user language', async () => {
    const { app } = testApp()
    const big = 'x'.repeat(70 * 1024)
    for (const path of ['/api/chat', '/api/handoff', '/api/mediator/login', '/privacy', '/wechat', '/no-such-page']) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'ru' }, body: big })
      expect(res.status, path).toBe(413)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('payload_too_large')
      expect(body.error.message).toMatch(/[а-я]/)
    }
  })

  it('sends nosniff, Referrer-Policy and a CSP on every response: API, pages, assets, errors, 404', async () => {
    const { app } = testApp()
    const responses = [
      await app.request('/healthz'),
      await app.request('/readyz'),
      await app.request('/privacy'),
      await app.request('/assets/fabao.css'),
      await app.request('/assets/case.js'),
      await app.request('/no-such-page'),
      await app.request('/api/chat', json('{not json')),
      await app.request('/api/mediator/queue'),
    ]
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)
      expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/)
    }
  })

  it('treats an oversized X-Access-Code as no code: 404 like any wrong code', async () => {
    const setup = testApp()
    const { caseId } = await openCase(setup)
    const res = await setup.app.request(`/api/cases/${caseId}`, { headers: { 'x-access-code': '1'.repeat(10_000) } })
    expect(res.status).toBe(404)
  })
})

describe('readiness', () => {
  it('/readyz: 200 with knowledge and a writable store; 503 when the store refuses writes or the server drains', async () => {
    let writable = true
    let draining = false
    const { app } = testApp({ storageWritable: async () => writable, draining: () => draining })
    const ready = await app.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ready: true, checks: { knowledge: true, storage: true, draining: false } })
    writable = false
    const full = await app.request('/readyz')
    expect(full.status).toBe(503)
    expect(((await full.json()) as { checks: { storage: boolean } }).checks.storage).toBe(false)
    writable = true
    draining = true
    expect((await app.request('/readyz')).status).toBe(503)
    // Liveness is unchanged.
    expect((await app.request('/healthz')).status).toBe(200)
  })
})
