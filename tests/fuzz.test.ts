import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { addMediator } from '../src/core/mediation/accounts.js'
import { postChat, testApp } from './support/runtime.js'

/**
 * Property-based fuzzing of every route the app has when this runs (listed from the app itself, so /wechat, the
 * chat and kiosk pages and anything added later are covered): random Unicode, huge, deeply nested and malformed
 * JSON, headers, path parameters and query strings. Only 2xx, 3xx (a page redirecting to sign-in) and 4xx may come
 * back — never a 5xx — and the app keeps answering. FUZZ_SEED replays a run; FUZZ_RUNS changes the runs per route.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000)
console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} runs per route`)

const setup = testApp({ clientKey: (c) => c.req.header('x-test-client') ?? 'fuzzer' })
// The fuzz is about input handling, not scrypt: a fast password hasher keeps 1,000 sign-ins per run cheap.
setup.accounts.passwords = {
  hash: async (p: string) => `fast$${createHash('sha256').update(p).digest('hex')}`,
  verify: async (p: string, h: string) => h === `fast$${createHash('sha256').update(p).digest('hex')}`,
}

interface Known {
  sessionId: string
  caseId: string
  accessCode: string
  mediatorId: string
  cookie: string
  csrf: string
}
let known: Known

async function signIn(): Promise<{ cookie: string; csrf: string; id: string }> {
  const res = await setup.app.request('/api/mediator/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-client': 'fuzz-setup' },
    body: JSON.stringify({ login: 'fuzz-supervisor', password: 'fuzz-supervisor-password' }),
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { csrfToken: string; mediator: { id: string } }
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken, id: body.mediator.id }
}

beforeAll(async () => {
  const chat = await postChat(setup.app, { message: 'Купила шубу, оказалась подделка, продавец не возвращает деньги' })
  const res = await setup.app.request('/api/handoff', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: chat.json.sessionId, contact: { name: 'Анна' }, consent: true }),
  })
  const created = (await res.json()) as { caseId: string; accessCode: string }
  await addMediator(setup.accounts, { login: 'fuzz-supervisor', name: 'Fuzz', role: 'supervisor', languages: ['zh', 'ru', 'en'], password: 'fuzz-supervisor-password' })
  const session = await signIn()
  known = { sessionId: chat.json.sessionId, ...created, mediatorId: session.id, cookie: session.cookie, csrf: session.csrf }
})

// ---- arbitraries -------------------------------------------------------------------------------------------------

const unicode = fc.string({ unit: 'binary', maxLength: 60 }) // any code point, lone surrogates included
const huge = fc.constantFrom(70_000, 3_000, 2_001, 65_000).chain((n) => fc.constantFrom('я', '法', 'a', '\u{1F600}', '<script>', '%00').map((s) => s.repeat(Math.ceil(n / s.length))))
const NASTY = ['', ' ', '\u0000', '\ud800', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '../../etc/passwd', '1234-5678-9012-3', 'zh', 'ru', 'en', 'xx', 'claim', 'resolve', 'wechat', 'kiosk', 'NaN', '__proto__', 'constructor', '2026-13', '2026-11']
/** Short hostile strings (paths, headers, queries, JSON values). */
const nastyString = fc.oneof({ weight: 5, arbitrary: unicode }, { weight: 2, arbitrary: fc.constantFrom(...NASTY) })
/** Now and then a huge one (JSON values): over every length limit. */
const valueString = fc.oneof({ weight: 20, arbitrary: nastyString }, { weight: 1, arbitrary: huge })
const deepNesting = fc.integer({ min: 1, max: 20_000 }).chain((depth) =>
  fc.constantFrom(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `${'['.repeat(depth)}`),
)
const FIELDS = [
  'message', 'lang', 'sessionId', 'contact', 'consent', 'party', 'amount', 'channel', 'accessCode', 'text', 'eraseContact', 'reason',
  'login', 'password', 'action', 'outcome', 'referral', 'to', 'summary', 'amountAgreed', 'note', 'name', 'phone', 'email', 'wechat',
  'passport', 'address', 'licence', '__proto__', 'constructor',
]
const scalar = fc.oneof(valueString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt().map(String))
const { value: jsonish } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'xsmall', maxDepth: 3, withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), unicode), tie('value'), { maxKeys: 6 }),
}))

const knownValue = () =>
  fc.constantFrom(known.sessionId, known.caseId, known.accessCode, known.mediatorId, 'fuzz-supervisor', 'fuzz-supervisor-password', 'claim', 'web', 'kiosk', 'wechat', true, 0)
/** Objects with the field names routes read, values valid or hostile: these get past JSON parsing into zod and core. */
const almostRight = fc.dictionary(
  fc.constantFrom(...FIELDS),
  fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 3, arbitrary: fc.constant(null).chain(() => knownValue()) }, { weight: 1, arbitrary: jsonish }),
  { maxKeys: 6 },
)

const body = fc.oneof(
  { weight: 4, arbitrary: almostRight.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: jsonish.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: unicode },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: almostRight.map((v) => JSON.stringify(v).slice(0, -1)) }, // truncated
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '1e309', '"\\ud800"', '{"a":1,"a":2}', '\uFEFF{}', '<xml><ToUserName>x</ToUserName></xml>', '{"message":"' + 'x'.repeat(66_000) + '"}') },
  { weight: 1, arbitrary: huge },
)

/** Percent-encoding of any string, lone surrogates included (as U+FFFD; raw invalid UTF-8 comes from the constants). */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
/** Header values the fetch API accepts (Latin-1, no CR/LF/NUL), from any input. */
const headerValue = (s: string) => s.replace(/[^\x20-\x7e\x80-\xff\t]/g, '?').slice(0, 10_000)
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=koi8-r', 'text/xml', ''),
    'accept-language': fc.oneof(fc.constantFrom('zh-CN,zh;q=0.9', 'ru', 'en-US;q=0.1', '*', 'q=;;,,', 'ru;q=abc, zh;q=1e9'), nastyString.map(headerValue)),
    'x-access-code': fc.oneof(fc.constant(null).map(() => known.accessCode), nastyString.map(headerValue)),
    'x-csrf-token': fc.oneof(fc.constant(null).map(() => known.csrf), nastyString.map(headerValue)),
    cookie: fc.oneof(fc.constant(null).map(() => known.cookie), nastyString.map((s) => `fabao_mediator=${headerValue(s)}`), nastyString.map(headerValue)),
    'x-kiosk-token': fc.oneof(nastyString, fc.constant('k'.repeat(9000))).map(headerValue),
    'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), nastyString.map(headerValue)),
    'x-test-client': fc.oneof(fc.constant('fuzzer'), fc.ipV4()),
  },
  { requiredKeys: [] },
)
const pathParam = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).map(() => known.caseId) },
  { weight: 3, arbitrary: nastyString.map((s) => enc(s.slice(0, 300)) || 'x') },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ff', '%E0%A4%A', '..', '.', 'fabao.css', 'case.js', 'console.js', '%2e%2e%2fsecret.key', '%ED%A0%80', '%C0%AF', '%00') },
)
const query = fc.option(
  fc.dictionary(fc.constantFrom('lang', 'month', 'code', 'sessionId', 'signature', 'timestamp', 'nonce', 'echostr', 'openid', 'encrypt_type', 'msg_signature'), nastyString, { maxKeys: 5 }).map(
    (q) => '?' + Object.entries(q).map(([k, v]) => `${k}=${enc(v.slice(0, 5000))}`).join('&'),
  ),
  { nil: '' },
)
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']

// ---- the property ------------------------------------------------------------------------------------------------

function routesOfApp(): { method: string; path: string }[] {
  const seen = new Set<string>()
  const routes: { method: string; path: string }[] = []
  const specific = new Set(setup.app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path))
  for (const r of setup.app.routes) {
    if (r.method === 'ALL' && (r.path.includes('*') || specific.has(r.path))) continue // middleware
    const key = `${r.method} ${r.path}`
    if (!seen.has(key)) {
      seen.add(key)
      routes.push({ method: r.method, path: r.path })
    }
  }
  return routes
}

async function expectAnswers(method: string, url: string, init: { headers: Record<string, string>; body?: string }) {
  const res = await setup.app.request(url, { method, headers: init.headers, ...(init.body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: init.body } : {}) })
  if (res.status >= 500) {
    throw new Error(`${method} ${url.slice(0, 200)} → ${res.status}: ${(await res.text()).slice(0, 300)}`)
  }
  if ((res.headers.get('content-type') ?? '').includes('application/json') && method !== 'HEAD') {
    const parsed = JSON.parse(await res.text()) as { error?: { code: string; message: string } }
    if (res.status >= 400) {
      expect(typeof parsed.error?.code).toBe('string')
      expect(parsed.error?.message).toBeTruthy()
    }
  } else {
    await res.arrayBuffer()
  }
  return res.status
}

describe('fuzzing every route', () => {
  it('lists the routes of the app (the chat, case, mediator and page routes at least)', () => {
    const paths = routesOfApp().map((r) => `${r.method} ${r.path}`)
    for (const expected of ['POST /api/chat', 'POST /api/handoff', 'POST /api/cases/open', 'GET /api/cases/:caseId', 'POST /api/mediator/login', 'GET /healthz', 'GET /readyz', 'GET /case']) {
      expect(paths).toContain(expected)
    }
    console.log(`fuzzing ${paths.length} routes: ${paths.join(', ')}`)
  })

  it('answers only 2xx/3xx/4xx to hostile input on every route, and keeps answering', async () => {
    const routes = routesOfApp()
    const statuses = new Map<string, Set<number>>()
    for (const [index, route] of routes.entries()) {
      if (route.path.startsWith('/api/mediator') && route.path !== '/api/mediator/login') {
        const session = await signIn() // a logout in the previous route's runs ended the session
        known = { ...known, cookie: session.cookie, csrf: session.csrf }
      }
      const seen = new Set<number>()
      statuses.set(`${route.method} ${route.path}`, seen)
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 6, arbitrary: fc.constant(route.method === 'ALL' ? 'POST' : route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
          fc.array(pathParam, { minLength: 4, maxLength: 4 }),
          query,
          headers,
          body,
          async (method, params, q, hdrs, b) => {
            let i = 0
            const path = route.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, () => params[i++ % params.length]!).replace(/\*/g, () => params[i++ % params.length]!)
            const clean = Object.fromEntries(Object.entries(hdrs).filter(([, v]) => v !== undefined)) as Record<string, string>
            seen.add(await expectAnswers(method, path + q, { headers: clean, body: b }))
          },
        ),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
      )
      // Still up, still right.
      expect((await setup.app.request('/healthz')).status).toBe(200)
    }
    const chat = await postChat(setup.app, { message: 'Мне продали поддельную шубу, что делать?' })
    expect(chat.res.status).toBe(200)
    expect(chat.json.citations.length).toBeGreaterThan(0)
    console.log([...statuses].map(([route, s]) => `${route}: ${[...s].sort().join(' ')}`).join('\n'))
  }, 120_000)
})
