/// <reference types="vite/client" />
/**
 * The HTTP contract, runtime-agnostic: what the web chat, the kiosk, the partner widget and other clients rely on
 * (README "HTTP API", "Reliability and security"; src/http/*.ts). It speaks HTTP only — no store, no internals — so
 * the same suite runs against the Node app (`app.request()`) and against the Worker (`wrangler dev` on 127.0.0.1).
 * It does not depend on the clock (the Worker has a real one) nor on how session ids or case ids are made.
 *
 * What a right answer is comes from the repository's own data, imported as modules (no `node:fs`, so this also works
 * inside workerd): the law texts of knowledge/laws (citations must quote them verbatim) and the error messages and
 * page titles of locales/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import enChat from '../../locales/en/chat.json'
import enKiosk from '../../locales/en/kiosk.json'
import enStrings from '../../locales/en/translation.json'
import ruChat from '../../locales/ru/chat.json'
import ruKiosk from '../../locales/ru/kiosk.json'
import ruStrings from '../../locales/ru/translation.json'
import zhChat from '../../locales/zh/chat.json'
import zhKiosk from '../../locales/zh/kiosk.json'
import zhStrings from '../../locales/zh/translation.json'

export type ContractLang = 'zh' | 'ru' | 'en'

/** One running service, reached over HTTP only. */
export interface ContractTarget {
  /** Sends a request to `path` (e.g. '/api/chat'); headers and body as in fetch. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Whether this deployment keeps cases (handoff, case page); false when cases stay on the central server. */
  casesEnabled: boolean
  close?(): Promise<void>
}

export interface ContractQuestion {
  lang: ContractLang
  message: string
}

// ---------------------------------------------------------------------------------------------------------------
// What the repository says a right answer is.

interface LawFile {
  id: string
  version: string
  titles: Record<ContractLang, { short: string; full: string }>
  replacement?: { inForceFrom: string }
  articles: { number: number; zh: string }[]
}

const lawFiles = Object.values(import.meta.glob<LawFile>('../../knowledge/laws/*.json', { eager: true, import: 'default' }))
const LAWS = new Map(lawFiles.map((law) => [law.id, law]))
const ARTICLE_TEXT = new Map<string, string>(lawFiles.flatMap((law) => law.articles.map((a) => [`${law.id}:${a.number}`, a.zh] as const)))

const ERRORS = { zh: zhStrings.errors, ru: ruStrings.errors, en: enStrings.errors } as Record<ContractLang, Record<string, string>>
const TITLES = {
  chat: { zh: zhChat.title, ru: ruChat.title, en: enChat.title },
  kiosk: { zh: zhKiosk.title, ru: ruKiosk.title, en: enKiosk.title },
} as const

/** An error message as the locale has it, with `{{name}}` filled in. */
const errorText = (lang: ContractLang, key: string, params: Record<string, string | number> = {}) =>
  ERRORS[lang][key]!.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name]))

const HAN = /\p{Script=Han}/u
const CYRILLIC = /[а-яё]/i
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const ACCESS_CODE = /^\d{4}-\d{4}-\d{4}-\d$/

// ---------------------------------------------------------------------------------------------------------------
// Questions (from tests/chat-api.test.ts and tests/mediation-api.test.ts, where their answers are pinned on Node).

const FUR_COAT: Record<ContractLang, string> = {
  zh: '商店把人造毛的大衣当成真貂皮卖给我，我该怎么办？',
  ru: 'Мне продали поддельную шубу как натуральный мех, что делать?',
  en: 'They sold me a fake fur coat as natural mink, what can I do?',
}
const FORCED_SHOPPING: Record<ContractLang, string> = {
  zh: '导游带我们去购物店，不买东西就不让走，这合法吗',
  ru: 'Гид привёз нас в магазин и не выпускает, пока мы что-нибудь не купим. Это законно?',
  en: 'The guide took us to a shop and will not let us leave until we buy something. Is that legal?',
}
const WEATHER: Record<ContractLang, string> = { zh: '明天天气怎么样？', ru: 'Какая завтра погода в Хэйхэ?', en: 'What is the weather tomorrow?' }
const EMERGENCY: Record<ContractLang, string> = {
  zh: '我被人打了，一直在流血',
  ru: 'На меня напали, у меня идёт кровь',
  en: "I was attacked and I'm bleeding",
}
const WANTS_PERSON: Record<ContractLang, string> = {
  zh: '我要找人工客服',
  ru: 'Хочу поговорить с живым человеком',
  en: 'I want to talk to a real person',
}
const DISPUTE = 'Купила шубу, оказалась подделка, продавец не возвращает деньги'

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers.

type Json = any

async function send(target: ContractTarget, path: string, init: RequestInit = {}): Promise<{ res: Response; json: Json }> {
  const res = await target.request(path, init)
  const text = await res.text()
  let json: Json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { res, json }
}

function postJson(target: ContractTarget, path: string, body: unknown, headers: Record<string, string> = {}) {
  return send(target, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

const chat = (target: ContractTarget, body: unknown, headers: Record<string, string> = {}) => postJson(target, '/api/chat', body, headers)

/** `{"error":{"code","message","requestId"}}` with the status, the code, and (when given) the exact message. */
function expectError(reply: { res: Response; json: Json }, status: number, code: string, message?: string) {
  const { res, json } = reply
  expect(res.status, `${code}: ${JSON.stringify(json)}`).toBe(status)
  expect(res.headers.get('content-type')).toContain('application/json')
  expect(Object.keys(json)).toEqual(['error'])
  expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'requestId'])
  expect(json.error.code).toBe(code)
  expect(typeof json.error.message).toBe('string')
  expect(json.error.message.length).toBeGreaterThan(0)
  expect(json.error.requestId).toBe(res.headers.get('x-request-id'))
  if (message !== undefined) expect(json.error.message).toBe(message)
}

/**
 * Headers every response carries (README "Headers"). `X-Request-Id` is asked of what the app itself answers; a
 * static asset may come from a runtime's asset layer, which sends the README headers but has no request id.
 */
function expectBaseHeaders(res: Response, what: string, { requestId = true } = {}) {
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
  const csp = res.headers.get('content-security-policy')
  expect(csp, what).toMatch(/frame-ancestors 'none'/)
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
  if (requestId) expect(res.headers.get('x-request-id'), what).toMatch(/\S/)
}

/** The chat reply shape, with every citation checked against knowledge/laws. */
function expectChatReply(json: Json, lang: ContractLang) {
  expect(Object.keys(json).sort()).toEqual(
    ['answer', 'case', 'citations', 'confidence', 'emergency', 'guidance', 'handoff', 'lang', 'merchantNote', 'merchantNoteTranslation', 'sessionId'].sort(),
  )
  expect(json.lang).toBe(lang)
  expect(json.sessionId).toMatch(SESSION_ID)
  expect(typeof json.answer).toBe('string')
  expect(json.answer.trim().length).toBeGreaterThan(0)
  expect(['high', 'possible', 'none']).toContain(json.confidence)
  expect(typeof json.emergency).toBe('boolean')
  expect(Object.keys(json.handoff).sort()).toEqual(['reason', 'suggested'])
  expect(typeof json.handoff.suggested).toBe('boolean')
  expect([null, 'emergency', 'requested', 'dispute', 'low-confidence']).toContain(json.handoff.reason)
  expect(Array.isArray(json.citations)).toBe(true)
  expect(json.citations.length).toBeLessThanOrEqual(5)
  for (const c of json.citations) {
    const id = `${c.lawId}:${c.article}`
    expect(Object.keys(c).sort()).toEqual(['article', 'lawId', 'quote', 'score', 'superseded', 'title', 'translation', 'version'].sort())
    expect(Number.isInteger(c.article), id).toBe(true)
    const law = LAWS.get(c.lawId)
    expect(law, `${c.lawId} is a law in knowledge/`).toBeDefined()
    expect(c.quote, `${id} quotes the Chinese text verbatim`).toBe(ARTICLE_TEXT.get(id))
    expect(c.title, id).toBe(law!.titles[lang].short)
    expect(c.version, id).toBe(law!.version)
    expect(typeof c.superseded, id).toBe('boolean')
    if (!law!.replacement) expect(c.superseded, id).toBe(false)
    if (lang === 'zh') expect(c.translation, id).toBeNull()
    else if (c.translation !== null) expect(c.translation.trim().length, id).toBeGreaterThan(0)
    expect(typeof c.score, id).toBe('number')
    expect(json.answer, `the answer names article ${id}`).toContain(String(c.article))
  }
  const scores = json.citations.map((c: { score: number }) => c.score)
  expect(scores, 'citations best first').toEqual([...scores].sort((a, b) => b - a))
  if (json.case !== null) {
    expect(Object.keys(json.case).sort()).toEqual(['caseId', 'status'])
  }
}

function expectGuidance(json: Json, lang: ContractLang) {
  const g = json.guidance
  expect(g, 'a guidance card').not.toBeNull()
  expect(Object.keys(g).sort()).toEqual(['answer', 'cardId', 'contacts', 'deadlines', 'evidence', 'steps', 'title'])
  expect(g.cardId).toMatch(/^[a-z0-9-]+$/)
  for (const text of [g.title, g.answer, ...g.steps, ...g.evidence, ...g.deadlines]) {
    expect(typeof text).toBe('string')
    expect(text.trim().length).toBeGreaterThan(0)
    if (lang !== 'zh') expect(text, 'card text in the answer language').not.toMatch(HAN)
  }
  expect(g.steps.length).toBeGreaterThan(0)
  expect(g.contacts.length).toBeGreaterThan(0)
  for (const contact of g.contacts) {
    for (const key of ['id', 'name', 'phone', 'purpose']) expect(typeof contact[key], key).toBe('string')
    expect(contact.phone).toMatch(/^\+?[\d -]+$/)
  }
  // A consumer or tour card carries the statement for the merchant: Chinese, and beside it the user's language.
  expect(json.merchantNote).toMatch(HAN)
  if (lang === 'zh') expect(json.merchantNoteTranslation).toBeNull()
  else {
    expect(json.merchantNoteTranslation).not.toMatch(HAN)
    if (lang === 'ru') expect(json.merchantNoteTranslation).toMatch(CYRILLIC)
    else expect(json.merchantNoteTranslation).not.toMatch(CYRILLIC)
  }
}

const citationIds = (json: Json): string[] => json.citations.map((c: { lawId: string; article: number }) => `${c.lawId}:${c.article}`)

/**
 * Asks each question in a fresh conversation (its `lang` sent explicitly) and returns, in the same order, the
 * citation ids (`lawId:article`, best first) each answer gives — to compare two runtimes on the eval questions.
 * Throws on any answer that is not 200. Keep the target's rate limit above the number of questions per minute.
 */
export async function askAll(
  target: ContractTarget,
  questions: readonly ContractQuestion[],
  options: { concurrency?: number } = {},
): Promise<string[][]> {
  const results: string[][] = new Array(questions.length)
  let next = 0
  const worker = async () => {
    while (next < questions.length) {
      const i = next++
      const { lang, message } = questions[i]!
      const { res, json } = await chat(target, { message, lang })
      if (res.status !== 200) throw new Error(`askAll: ${lang} "${message.slice(0, 60)}" → ${res.status} ${json?.error?.code ?? ''}`)
      results[i] = citationIds(json)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, questions.length)) }, worker))
  return results
}

// ---------------------------------------------------------------------------------------------------------------

export function describeHttpContract(name: string, makeTarget: () => Promise<ContractTarget>): void {
  describe(`HTTP contract: ${name}`, () => {
    let target: ContractTarget
    beforeAll(async () => {
      target = await makeTarget()
    })
    afterAll(async () => {
      await target?.close?.()
    })

    describe('probes', () => {
      it('GET /healthz: ok, the version with the knowledge hash, and the law and article counts of knowledge/', async () => {
        const { res, json } = await send(target, '/healthz')
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toContain('application/json')
        expect(Object.keys(json).sort()).toEqual(['knowledge', 'ok', 'version'])
        expect(json.ok).toBe(true)
        expect(json.version).toMatch(/^\d+\.\d+\.\d+[^+\s]*\+[^+\s]+$/)
        expect(json.knowledge).toEqual({ laws: LAWS.size, articles: ARTICLE_TEXT.size })
        expectBaseHeaders(res, '/healthz')
      })

      it('GET /readyz: ready, with every check passing, not cached', async () => {
        const { res, json } = await send(target, '/readyz')
        expect(res.status).toBe(200)
        expect(json).toEqual({ ready: true, checks: { knowledge: true, storage: true, draining: false } })
        expect(res.headers.get('cache-control')).toContain('no-store')
      })
    })

    describe('POST /api/chat: answers', () => {
      for (const lang of ['zh', 'ru', 'en'] as const) {
        it(`answers in ${lang} with verbatim citations, a guidance card and a merchant note; a second turn keeps the session`, async () => {
          const first = await chat(target, { message: FUR_COAT[lang], lang })
          expect(first.res.status).toBe(200)
          expect(first.res.headers.get('content-type')).toContain('application/json')
          expect(first.res.headers.get('cache-control')).toContain('no-store')
          expectChatReply(first.json, lang)
          expect(['high', 'possible']).toContain(first.json.confidence)
          expect(first.json.citations.length).toBeGreaterThan(0)
          expect(first.json.emergency).toBe(false)
          expect(first.json.case).toBeNull()
          expectGuidance(first.json, lang)
          if (lang === 'zh') expect(first.json.answer).toMatch(HAN)
          else expect(first.json.answer).not.toMatch(HAN)
          if (lang === 'ru') expect(first.json.answer).toMatch(CYRILLIC)
          if (lang === 'en') expect(first.json.answer).not.toMatch(CYRILLIC)
          if (lang !== 'zh') {
            expect(first.json.citations.some((c: { translation: string | null }) => c.translation !== null), 'some citation is translated').toBe(true)
          }

          const second = await chat(target, { message: FORCED_SHOPPING[lang], sessionId: first.json.sessionId })
          expect(second.res.status).toBe(200)
          expectChatReply(second.json, lang)
          expect(second.json.sessionId).toBe(first.json.sessionId)
          expect(second.json.citations.length).toBeGreaterThan(0)
          expectGuidance(second.json, lang)
          expect(second.json.guidance.cardId).not.toBe(first.json.guidance.cardId)
        })
      }

      it('detects the language when the request names none, and follows `lang` when it does', async () => {
        for (const lang of ['zh', 'ru', 'en'] as const) {
          const { res, json } = await chat(target, { message: FUR_COAT[lang] })
          expect(res.status).toBe(200)
          expectChatReply(json, lang)
        }
        const named = await chat(target, { message: FUR_COAT.ru, lang: 'en' })
        expectChatReply(named.json, 'en')
        expect(named.json.answer).not.toMatch(CYRILLIC)
        const detected = await chat(target, { message: FUR_COAT.ru })
        expect(citationIds(named.json), 'the text is searched in the language it is written in').toEqual(citationIds(detected.json))
      })

      it('says honestly when a question is out of scope: no citations, no card; offers a person on the second such turn', async () => {
        for (const lang of ['zh', 'ru', 'en'] as const) {
          const { res, json } = await chat(target, { message: WEATHER[lang] })
          expect(res.status).toBe(200)
          expectChatReply(json, lang)
          expect(json.confidence).toBe('none')
          expect(json.citations).toEqual([])
          expect(json.guidance).toBeNull()
          expect(json.merchantNote).toBeNull()
          expect(json.merchantNoteTranslation).toBeNull()
          expect(json.handoff).toEqual({ suggested: false, reason: null })
        }
        const first = await chat(target, { message: WEATHER.en })
        const second = await chat(target, { message: 'Tell me a joke please', sessionId: first.json.sessionId })
        expect(second.json.sessionId).toBe(first.json.sessionId)
        expect(second.json.confidence).toBe('none')
        expect(second.json.handoff).toEqual({ suggested: true, reason: 'low-confidence' })
      })

      it('puts the emergency numbers first and offers a person when someone is hurt, in each language', async () => {
        for (const lang of ['zh', 'ru', 'en'] as const) {
          const { json } = await chat(target, { message: EMERGENCY[lang] })
          expectChatReply(json, lang)
          expect(json.emergency).toBe(true)
          expect(json.handoff).toEqual({ suggested: true, reason: 'emergency' })
          const firstLines = json.answer.split('\n').slice(0, 3).join('\n')
          expect(firstLines).toContain('110')
          expect(firstLines).toContain('120')
        }
      })

      it('offers a mediator when asked for a person, and for a money dispute with a merchant', async () => {
        for (const lang of ['zh', 'ru', 'en'] as const) {
          const { json } = await chat(target, { message: WANTS_PERSON[lang] })
          expectChatReply(json, lang)
          expect(json.handoff).toEqual({ suggested: true, reason: 'requested' })
        }
        const { json } = await chat(target, { message: DISPUTE })
        expect(json.handoff).toEqual({ suggested: true, reason: 'dispute' })
      })

      it('starts a new conversation for a well-formed but unknown session id', async () => {
        const { res, json } = await chat(target, { message: WEATHER.en, sessionId: 'unknown_but-valid' })
        expect(res.status).toBe(200)
        expect(json.sessionId).toMatch(SESSION_ID)
        expect(json.sessionId).not.toBe('unknown_but-valid')
      })

      it('gives the same citations to the same question every time (askAll), as the single answers do', async () => {
        const questions: ContractQuestion[] = (['zh', 'ru', 'en'] as const).flatMap((lang) => [
          { lang, message: FUR_COAT[lang] },
          { lang, message: FORCED_SHOPPING[lang] },
          { lang, message: WEATHER[lang] },
        ])
        const once = await askAll(target, questions)
        const again = await askAll(target, questions, { concurrency: 1 })
        expect(again).toEqual(once)
        expect(once.filter((ids) => ids.length > 0)).toHaveLength(6)
        expect(once[2]).toEqual([])
        const single = await chat(target, { message: FUR_COAT.ru, lang: 'ru' })
        expect(citationIds(single.json)).toEqual(once[3])
      })
    })

    describe('POST /api/chat: errors, in the user language', () => {
      it('invalid JSON → 400 invalid_json, in the Accept-Language language (else English)', async () => {
        expectError(await chat(target, '{"message": "шуба"', { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' }), 400, 'invalid_json', errorText('ru', 'invalid_json'))
        expectError(await chat(target, 'not json', { 'accept-language': 'zh-CN' }), 400, 'invalid_json', errorText('zh', 'invalid_json'))
        expectError(await chat(target, '{'), 400, 'invalid_json', errorText('en', 'invalid_json'))
      })

      it('a missing or non-string message, or another shape → 400 invalid_request, in the body `lang`', async () => {
        for (const body of [{ lang: 'ru' }, { message: 42, lang: 'ru' }, { message: 'шуба', sessionId: 5, lang: 'ru' }]) {
          const reply = await chat(target, body)
          expectError(reply, 400, 'invalid_request')
          expect(reply.json.error.message.startsWith(ERRORS.ru.invalid_request!.split('{{')[0]!)).toBe(true)
        }
        for (const body of ['[]', 'null', '"text"']) expectError(await chat(target, body), 400, 'invalid_request')
      })

      it('an empty or whitespace-only message → 400 invalid_request "please type your question"', async () => {
        expectError(await chat(target, { message: ' \n\t\u3000 ', lang: 'ru' }, { 'accept-language': 'zh' }), 400, 'invalid_request', errorText('ru', 'message_empty'))
        expectError(await chat(target, { message: '' }, { 'accept-language': 'zh-CN,zh;q=0.9' }), 400, 'invalid_request', errorText('zh', 'message_empty'))
        expectError(await chat(target, { message: '   ' }), 400, 'invalid_request', errorText('en', 'message_empty'))
      })

      it('2000 code points after trimming are answered; 2001 → 400 message_too_long in the language of the message', async () => {
        const ok = await chat(target, { message: `  ${'😀'.repeat(2000)}  ` })
        expect(ok.res.status).toBe(200)
        expectError(await chat(target, { message: 'шуба '.repeat(400) + 'x' }, { 'accept-language': 'zh' }), 400, 'message_too_long', errorText('ru', 'message_too_long', { max: 2000 }))
        expectError(await chat(target, { message: '导游'.repeat(1001) }), 400, 'message_too_long', errorText('zh', 'message_too_long', { max: 2000 }))
        expectError(await chat(target, { message: 'x'.repeat(2001), lang: 'en' }), 400, 'message_too_long', errorText('en', 'message_too_long', { max: 2000 }))
      })

      it('a language other than zh, ru, en → 400 unsupported_lang, in the language of the message', async () => {
        expectError(await chat(target, { message: 'Привет, мне продали подделку', lang: 'de' }), 400, 'unsupported_lang', errorText('ru', 'unsupported_lang'))
        expectError(await chat(target, { message: 'Hello there', lang: 'RU' }), 400, 'unsupported_lang', errorText('en', 'unsupported_lang'))
      })

      it('a malformed session id → 400 invalid_request "session id not valid"', async () => {
        for (const sessionId of ['', 'a b', 'x'.repeat(65), '../etc', 'ключ']) {
          expectError(await chat(target, { message: 'шуба подделка', sessionId }), 400, 'invalid_request', errorText('ru', 'invalid_session'))
        }
        expectError(await chat(target, { message: 'fake coat', sessionId: '../etc', lang: 'zh' }), 400, 'invalid_request', errorText('zh', 'invalid_session'))
      })

      it('a body over 64 KiB → 413 payload_too_large, on the API and on pages', async () => {
        const big = JSON.stringify({ message: 'x'.repeat(70 * 1024) })
        expectError(await chat(target, big, { 'accept-language': 'ru' }), 413, 'payload_too_large', errorText('ru', 'payload_too_large'))
        expectError(await chat(target, big), 413, 'payload_too_large', errorText('en', 'payload_too_large'))
        const page = await send(target, '/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(70 * 1024) })
        expectError(page, 413, 'payload_too_large')
      })

      it('an unknown route or method → 404 not_found, in the Accept-Language language', async () => {
        const ru = { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' }
        expectError(await send(target, '/api/nothing', { headers: ru }), 404, 'not_found', errorText('ru', 'not_found'))
        expectError(await postJson(target, '/api/nothing', { message: 'x' }, { 'accept-language': 'zh' }), 404, 'not_found', errorText('zh', 'not_found'))
        expectError(await send(target, '/api/chat'), 404, 'not_found', errorText('en', 'not_found'))
        expectError(await send(target, '/no-such-page', { headers: ru }), 404, 'not_found', errorText('ru', 'not_found'))
        expectError(await send(target, '/assets/no-such-asset.js'), 404, 'not_found')
      })
    })

    describe('headers', () => {
      it('API answers and errors: nosniff, no referrer, a CSP that allows nothing; chat answers are not stored', async () => {
        const responses = {
          chat: (await chat(target, { message: WEATHER.en })).res,
          'chat error': (await chat(target, '{')).res,
          'too large': (await chat(target, JSON.stringify({ message: 'x'.repeat(70 * 1024) }))).res,
          healthz: (await send(target, '/healthz')).res,
          readyz: (await send(target, '/readyz')).res,
        }
        for (const [what, res] of Object.entries(responses)) {
          expectBaseHeaders(res, what)
          expect(res.headers.get('content-security-policy'), what).toMatch(/default-src 'none'/)
        }
        expect(responses.chat.headers.get('cache-control')).toContain('no-store')
        const ids = Object.values(responses).map((r) => r.headers.get('x-request-id'))
        expect(new Set(ids).size, 'a request id per request').toBe(ids.length)
      })

      it('pages, assets and 404s: nosniff, no referrer, a CSP allowing only own scripts, no framing', async () => {
        for (const path of ['/', '/kiosk', '/assets/chat.js', '/assets/chat.css', '/no-such-page']) {
          const { res } = await send(target, path)
          expectBaseHeaders(res, path, { requestId: !path.startsWith('/assets/') })
          if (path === '/' || path === '/kiosk') {
            expect(res.headers.get('content-security-policy'), path).toMatch(/script-src 'self'/)
            expect(res.headers.get('x-frame-options'), path).toBe('DENY')
          }
        }
      })
    })

    describe('pages', () => {
      const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1]
      const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

      it('GET / is the web chat in the language asked for (?lang=, else Accept-Language, else English), not stored', async () => {
        const cases: [string, Record<string, string>, ContractLang][] = [
          ['/?lang=ru', {}, 'ru'],
          ['/?lang=zh', { 'accept-language': 'ru' }, 'zh'],
          ['/', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }, 'zh'],
          ['/?lang=xx', { 'accept-language': 'ru-RU' }, 'ru'],
          ['/', { 'accept-language': 'de-DE' }, 'en'],
        ]
        for (const [path, headers, lang] of cases) {
          const res = await target.request(path, { headers })
          expect(res.status, path).toBe(200)
          expect(res.headers.get('content-type'), path).toMatch(/^text\/html/)
          expect(res.headers.get('cache-control'), path).toContain('no-store')
          const html = await res.text()
          expect(html, path).toContain(`<html lang="${lang}">`)
          expect(titleOf(html), path).toBe(escape(TITLES.chat[lang]))
          expect(html).toContain('id="chat-app"')
        }
      })

      it('GET /kiosk is the kiosk in the language asked for, not stored', async () => {
        for (const lang of ['zh', 'ru', 'en'] as const) {
          const res = await target.request(`/kiosk?lang=${lang}`)
          expect(res.status).toBe(200)
          expect(res.headers.get('content-type')).toMatch(/^text\/html/)
          expect(res.headers.get('cache-control')).toContain('no-store')
          const html = await res.text()
          expect(html).toContain(`<html lang="${lang}">`)
          expect(titleOf(html)).toBe(escape(TITLES.kiosk[lang]))
          expect(html).toContain('id="kiosk-app"')
        }
      })

      it('every script and style the pages use is served from the app itself with its content type', async () => {
        const referenced = new Set<string>(['/assets/widget.js'])
        for (const path of ['/', '/kiosk', '/embed']) {
          const html = await (await target.request(path)).text()
          expect(html, `${path} loads nothing from another origin`).not.toMatch(/(src|href)="(https?:)?\/\//)
          expect(html, `${path} has no inline script`).not.toMatch(/<script(?![^>]*\b(src=|type="application\/json"))[^>]*>/)
          for (const [, url] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) referenced.add(url!)
        }
        expect([...referenced]).toEqual(expect.arrayContaining(['/assets/chat.js', '/assets/kiosk.js', '/assets/answer.js', '/assets/chat.css']))
        for (const url of referenced) {
          const res = await target.request(url)
          expect(res.status, url).toBe(200)
          const type = res.headers.get('content-type') ?? ''
          if (url.endsWith('.js')) expect(type, url).toMatch(/^(text|application)\/javascript/)
          if (url.endsWith('.css')) expect(type, url).toMatch(/^text\/css/)
          expectBaseHeaders(res, url, { requestId: false })
          expect((await res.text()).length, url).toBeGreaterThan(100)
        }
      })
    })

    describe('cases (a chat handed to a mediator)', () => {
      const ACCESS = (code: string) => ({ 'x-access-code': code })
      const view = (caseId: string, code?: string, headers: Record<string, string> = {}) =>
        send(target, `/api/cases/${encodeURIComponent(caseId)}`, { headers: { ...(code ? ACCESS(code) : {}), ...headers } })

      /** A Russian chat handed off with consent; the access code and the chat it came from. */
      async function handOff(extra: Record<string, unknown> = {}) {
        const first = await chat(target, { message: DISPUTE })
        expect(first.res.status).toBe(200)
        const created = await postJson(target, '/api/handoff', {
          sessionId: first.json.sessionId,
          message: 'Помогите, пожалуйста',
          contact: { name: 'Анна', phone: '+7 900 000-00-00' },
          consent: true,
          party: { name: 'Меховой магазин' },
          amount: 12000,
          lang: 'ru',
          ...extra,
        })
        return { first: first.json, created }
      }

      it('hands a chat off with consent: 201, a case id and a 13-digit access code that opens it', async (ctx) => {
        if (!target.casesEnabled) ctx.skip()
        const { first, created } = await handOff()
        expect(created.res.status).toBe(201)
        expect(created.res.headers.get('cache-control')).toContain('no-store')
        expect(Object.keys(created.json).sort()).toEqual(['accessCode', 'caseId', 'status'])
        expect(created.json.status).toBe('new')
        expect(created.json.accessCode).toMatch(ACCESS_CODE)
        expect(created.json.caseId).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
        const { caseId, accessCode } = created.json

        for (const typed of [accessCode, accessCode.replace(/-/g, ' '), accessCode.replace(/-/g, '')]) {
          const opened = await postJson(target, '/api/cases/open', { accessCode: typed })
          expect(opened.res.status, typed).toBe(200)
          expect(opened.json).toEqual({ caseId })
        }

        const seen = await view(caseId, accessCode)
        expect(seen.res.status).toBe(200)
        expect(seen.res.headers.get('cache-control')).toContain('no-store')
        expect(Object.keys(seen.json).sort()).toEqual(['caseId', 'lang', 'messages', 'replyBy', 'status'])
        expect(seen.json).toMatchObject({ caseId, status: 'new', lang: 'ru' })
        expect(seen.json.replyBy === null || ISO_TIME.test(seen.json.replyBy)).toBe(true)
        expect(seen.json.messages.map((m: { from: string; text: string }) => [m.from, m.text])).toEqual([
          ['tourist', DISPUTE],
          ['bot', first.answer],
          ['tourist', 'Помогите, пожалуйста'],
        ])
        for (const m of seen.json.messages) {
          expect(Object.keys(m).sort()).toEqual(['at', 'from', 'text'])
          expect(m.at).toMatch(ISO_TIME)
        }
      })

      it('while the case waits, the chat still answers, says which case it belongs to, and both turns reach the case', async (ctx) => {
        if (!target.casesEnabled) ctx.skip()
        const { first, created } = await handOff()
        const { caseId, accessCode } = created.json
        const next = await chat(target, { message: FORCED_SHOPPING.ru, sessionId: first.sessionId })
        expect(next.res.status).toBe(200)
        expectChatReply(next.json, 'ru')
        expect(next.json.citations.length).toBeGreaterThan(0)
        expect(next.json.case).toEqual({ caseId, status: 'new' })
        const seen = await view(caseId, accessCode)
        expect(seen.json.messages.slice(-2).map((m: { from: string; text: string }) => [m.from, m.text])).toEqual([
          ['tourist', FORCED_SHOPPING.ru],
          ['bot', next.json.answer],
        ])
      })

      it('the tourist writes to the case with the access code and sees the message; then withdraws it', async (ctx) => {
        if (!target.casesEnabled) ctx.skip()
        const { created } = await handOff()
        const { caseId, accessCode } = created.json
        const text = 'Чек и фотографии шубы у меня есть. 收据也在。'
        const posted = await postJson(target, `/api/cases/${caseId}/messages`, { text: `  ${text}  ` }, ACCESS(accessCode))
        expect(posted.res.status).toBe(201)
        expect(Number.isInteger(posted.json.seq)).toBe(true)
        const seen = await view(caseId, accessCode)
        expect(seen.json.messages.at(-1)).toMatchObject({ from: 'tourist', text })

        expectError(await postJson(target, `/api/cases/${caseId}/messages`, { text: '   ' }, ACCESS(accessCode)), 400, 'invalid_request')
        const withdrawn = await postJson(target, `/api/cases/${caseId}/withdraw`, { eraseContact: true }, ACCESS(accessCode))
        expect(withdrawn.res.status).toBe(200)
        expect(withdrawn.json).toEqual({ caseId, status: 'withdrawn' })
        expect((await view(caseId, accessCode)).json.status).toBe('withdrawn')
      })

      it('a wrong, missing or query-string access code is answered exactly like an unknown case: 404', async (ctx) => {
        if (!target.casesEnabled) ctx.skip()
        const { created } = await handOff()
        const { caseId, accessCode } = created.json
        const wrongDigit = accessCode.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10))
        const ru = { 'accept-language': 'ru' }
        expectError(await view(caseId, wrongDigit, ru), 404, 'not_found', errorText('ru', 'not_found'))
        expectError(await view(caseId, undefined, ru), 404, 'not_found', errorText('ru', 'not_found'))
        expectError(await send(target, `/api/cases/${caseId}?code=${accessCode}`), 404, 'not_found', errorText('en', 'not_found'))
        // Access codes have five free failures per client and case, then a wait; the right code clears the count.
        expect((await view(caseId, accessCode)).res.status).toBe(200)
        expectError(await postJson(target, `/api/cases/${caseId}/messages`, { text: 'hi' }, ACCESS(wrongDigit)), 404, 'not_found')
        expectError(await postJson(target, '/api/cases/open', { accessCode: wrongDigit }, ru), 404, 'not_found', errorText('ru', 'case_not_found'))
        expect((await view(caseId, accessCode)).res.status).toBe(200)
        expectError(await view('no-such-case', accessCode, ru), 404, 'not_found', errorText('ru', 'not_found'))
        expect((await view(caseId, accessCode)).res.status).toBe(200)
      })

      it('handoff refusals: contact without consent, unknown conversation, a second open case — in the user language', async (ctx) => {
        if (!target.casesEnabled) ctx.skip()
        const first = await chat(target, { message: DISPUTE })
        const sessionId = first.json.sessionId
        expectError(
          await postJson(target, '/api/handoff', { sessionId, contact: { phone: '+7 900 111-22-33' }, lang: 'ru' }),
          400,
          'consent_required',
          errorText('ru', 'consent_required'),
        )
        expectError(await postJson(target, '/api/handoff', { sessionId: 'no-such-session', lang: 'en' }), 404, 'session_not_found', errorText('en', 'session_not_found'))
        expectError(await postJson(target, '/api/handoff', { lang: 'ru' }), 400, 'invalid_request')
        expectError(await postJson(target, '/api/handoff', '{', { 'accept-language': 'zh' }), 400, 'invalid_json', errorText('zh', 'invalid_json'))
        const created = await postJson(target, '/api/handoff', { sessionId, lang: 'ru' })
        expect(created.res.status).toBe(201)
        expectError(await postJson(target, '/api/handoff', { sessionId, lang: 'ru' }), 409, 'case_open', errorText('ru', 'case_open'))
      })

      it('with cases kept on the central server, no case is created here', async (ctx) => {
        if (target.casesEnabled) ctx.skip()
        const first = await chat(target, { message: DISPUTE })
        expect(first.res.status).toBe(200)
        expect(first.json.case).toBeNull()
        const created = await postJson(target, '/api/handoff', { sessionId: first.json.sessionId, lang: 'ru' })
        expect(created.res.status).toBeGreaterThanOrEqual(400)
        expect(Object.keys(created.json)).toEqual(['error'])
        expect(created.json.error.code).toMatch(/\S/)
      })

      // With cases off (a Worker with FABAO_EDGE_CASES=off), every case route's 501 cases_elsewhere in the user's
      // language is checked in tests/edge.test.ts, which knows the central server's URL the message names.
    })
  })
}
