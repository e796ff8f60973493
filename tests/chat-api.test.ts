import { describe, expect, it } from 'vitest'
import { fixedClock, postChat, testApp, testRuntime } from './support/runtime.js'

const HAN = /\p{Script=Han}/u

describe('GET /healthz', () => {
  it('reports ok, the version with the knowledge hash, and the knowledge counts', async () => {
    const { app } = testApp()
    const res = await app.request('/healthz')
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toEqual({
      ok: true,
      version: '0.0.0+test',
      knowledge: { laws: 27, articles: 2660 },
    })
  })
})

describe('POST /api/chat — answers', () => {
  const furCoat = {
    ru: 'Мне продали поддельную шубу как натуральный мех, что делать?',
    en: 'They sold me a fake fur coat as natural mink, what can I do?',
    zh: '商店把人造毛的大衣当成真貂皮卖给我，我该怎么办？',
  } as const

  for (const lang of ['ru', 'en', 'zh'] as const) {
    it(`answers the fur coat question in ${lang} with cited articles in the contract shape`, async () => {
      const { app } = testApp()
      const { res, json } = await postChat(app, { message: furCoat[lang] })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(json.lang).toBe(lang)
      expect(json.sessionId).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
      expect(['high', 'possible']).toContain(json.confidence)
      expect(json.citations.length).toBeGreaterThan(0)
      expect(json.citations.length).toBeLessThanOrEqual(5)
      const knowledge = testRuntime().knowledge
      for (const c of json.citations) {
        expect(Object.keys(c).sort()).toEqual(
          ['article', 'lawId', 'quote', 'score', 'superseded', 'title', 'translation', 'version'].sort(),
        )
        const record = knowledge.articles.get(`${c.lawId}:${c.article}`)
        expect(record, `${c.lawId}:${c.article} must exist in knowledge/`).toBeDefined()
        expect(c.quote).toBe(record!.article.zh)
        expect(c.title).toBe(knowledge.lawTitle(c.lawId, lang))
        expect(Number.isInteger(c.article)).toBe(true)
        if (lang === 'zh') expect(c.translation).toBeNull()
        expect(typeof c.score).toBe('number')
      }
      const scores = json.citations.map((c: { score: number }) => c.score)
      expect([...scores].sort((a, b) => b - a)).toEqual(scores)
      expect(json.emergency).toBe(false)
      expect(typeof json.handoff.suggested).toBe('boolean')
      if (lang !== 'zh') expect(json.answer).not.toMatch(HAN)
      for (const c of json.citations) expect(json.answer).toContain(String(c.article))
    })
  }

  it('answers Russian in Russian with the law titles in Russian and the translation notice', async () => {
    const { app } = testApp()
    const { json } = await postChat(app, { message: furCoat.ru })
    expect(json.answer).toMatch(/статья \d+/)
    expect(json.answer).toContain('неофициальный перевод')
    expect(json.answer).toContain('12315')
  })

  it('says honestly when a question is outside what it covers, with no citation', async () => {
    const { app } = testApp()
    for (const message of ['Какая завтра погода в Хэйхэ?', 'What is the weather tomorrow?', '明天天气怎么样？']) {
      const { json } = await postChat(app, { message })
      expect(json.confidence, message).toBe('none')
      expect(json.citations, message).toEqual([])
    }
    const { json } = await postChat(app, { message: 'What is the weather tomorrow?' })
    expect(json.answer).toContain('found nothing relevant')
  })

  it('puts emergency numbers first when someone is hurt, in each language', async () => {
    const { app } = testApp()
    const cases = {
      en: "I was attacked and I'm bleeding",
      ru: 'На меня напали, у меня идёт кровь',
      zh: '我被人打了，一直在流血',
    }
    for (const [lang, message] of Object.entries(cases)) {
      const { json } = await postChat(app, { message })
      expect(json.lang).toBe(lang)
      expect(json.emergency).toBe(true)
      expect(json.handoff).toEqual({ suggested: true, reason: 'emergency' })
      const firstLines = json.answer.split('\n').slice(0, 3).join('\n')
      expect(firstLines).toContain('110')
      expect(firstLines).toContain('120')
    }
  })

  it('offers a person when asked, in each language', async () => {
    const { app } = testApp()
    for (const message of ['Хочу поговорить с живым человеком', 'I want to talk to a real person', '我要找人工客服']) {
      const { json } = await postChat(app, { message })
      expect(json.handoff, message).toEqual({ suggested: true, reason: 'requested' })
    }
  })

  it('offers a mediator for a money dispute with a merchant', async () => {
    const { app } = testApp()
    const { json } = await postChat(app, { message: 'The shop sold me a fake fur coat and refuses to refund my money' })
    expect(json.handoff.suggested).toBe(true)
    expect(json.handoff.reason).toBe('dispute')
  })

  it('offers a mediator when a hotel keeps a deposit, even when a general Civil Code article ranks first', async () => {
    const { app } = testApp()
    const { json } = await postChat(app, { message: '\u5728\u9152\u5e97\u9000\u623f\u65f6\u62bc\u91d1\u88ab\u6263\u4e86500\uff0c\u8bf4\u6bdb\u5dfe\u810f\u4e86' })
    expect(json.handoff).toEqual({ suggested: true, reason: 'dispute' })
  })

  it('offers a mediator after two answers in a row that are not high confidence', async () => {
    const { app } = testApp()
    const first = await postChat(app, { message: 'What is the weather tomorrow?' })
    expect(first.json.handoff.reason).toBeNull()
    const second = await postChat(app, { message: 'Tell me a joke please', sessionId: first.json.sessionId })
    expect(second.json.sessionId).toBe(first.json.sessionId)
    expect(second.json.handoff).toEqual({ suggested: true, reason: 'low-confidence' })
  })

  it('starts a new session for an unknown session id', async () => {
    const { app } = testApp()
    const { res, json } = await postChat(app, { message: 'hello, what is the weather', sessionId: 'unknown_but-valid' })
    expect(res.status).toBe(200)
    expect(json.sessionId).not.toBe('unknown_but-valid')
  })

  it('answers in the language the request names, whatever the message is written in', async () => {
    const { app } = testApp()
    const { json } = await postChat(app, { message: 'Мне продали поддельную шубу', lang: 'en' })
    expect(json.lang).toBe('en')
    expect(json.answer).not.toMatch(/[а-яё]/i)
    expect(json.citations[0]?.title).toBe(testRuntime().knowledge.lawTitle(json.citations[0].lawId, 'en'))
  })

  it('keeps a Russian sentence Russian when it names a Chinese shop', async () => {
    const { app } = testApp()
    const { json } = await postChat(app, { message: 'Купила шубу в магазине 黑河皮草城, оказалась подделка' })
    expect(json.lang).toBe('ru')
  })

  it('marks citations of a superseded text and says so', async () => {
    const { app } = testApp()
    const { json } = await postChat(app, { message: '仲裁协议无效怎么办，仲裁委员会裁决', lang: 'zh' })
    const arbitration = json.citations.filter((c: { lawId: string }) => c.lawId === 'arbitration-law')
    expect(arbitration.length).toBeGreaterThan(0)
    for (const c of arbitration) expect(c.superseded).toBe(true)
    expect(json.answer).toContain('2026-03-01')
  })

  it('before the revision is in force, cites the text as current and says when it will be replaced', async () => {
    const { app } = testApp({}, { clock: fixedClock('2026-02-28T15:59:00Z') }) // 23:59 in Beijing
    for (const [lang, soon] of [['zh', '\u5c06\u4e8e'], ['ru', '\u0441 2026-03-01 \u0435\u0433\u043e \u0437\u0430\u043c\u0435\u043d\u0438\u0442'], ['en', 'replaces it on 2026-03-01']] as const) {
      const { json } = await postChat(app, { message: '\u4ef2\u88c1\u534f\u8bae\u65e0\u6548\u600e\u4e48\u529e\uff0c\u4ef2\u88c1\u59d4\u5458\u4f1a\u88c1\u51b3', lang })
      const arbitration = json.citations.filter((c: { lawId: string }) => c.lawId === 'arbitration-law')
      expect(arbitration.length).toBeGreaterThan(0)
      for (const c of arbitration) expect(c.superseded).toBe(false)
      expect(json.answer).toContain('2026-03-01')
      expect(json.answer).toContain(soon)
    }
    const after = testApp({}, { clock: fixedClock('2026-02-28T16:00:00Z') }) // 00:00 on 1 March in Beijing
    const { json } = await postChat(after.app, { message: '\u4ef2\u88c1\u534f\u8bae\u65e0\u6548\u600e\u4e48\u529e\uff0c\u4ef2\u88c1\u59d4\u5458\u4f1a\u88c1\u51b3', lang: 'en' })
    expect(json.citations.some((c: { superseded: boolean }) => c.superseded)).toBe(true)
    expect(json.answer).toContain('was replaced by a revised version in force from 2026-03-01')
  })

  it('tells a consumer that the 2024 implementing regulation exists and is not held, in each language', async () => {
    const { app } = testApp()
    const cases = [
      ['zh', '\u5546\u5bb6\u5356\u5047\u8d27\u4e0d\u7ed9\u9000\u8d27\uff0c\u6d88\u8d39\u8005\u600e\u4e48\u7ef4\u6743', '\u6d88\u8d39\u8005\u6743\u76ca\u4fdd\u62a4\u6cd5\u5b9e\u65bd\u6761\u4f8b'],
      ['ru', '\u041f\u0440\u043e\u0434\u0430\u0432\u0435\u0446 \u043f\u0440\u043e\u0434\u0430\u043b \u043f\u043e\u0434\u0434\u0435\u043b\u043a\u0443 \u0438 \u043e\u0442\u043a\u0430\u0437\u044b\u0432\u0430\u0435\u0442\u0441\u044f \u0432\u0435\u0440\u043d\u0443\u0442\u044c \u0434\u0435\u043d\u044c\u0433\u0438 \u043f\u043e\u0442\u0440\u0435\u0431\u0438\u0442\u0435\u043b\u044e', '\u041f\u043e\u043b\u043e\u0436\u0435\u043d\u0438\u0435 \u043e \u043f\u0440\u0438\u043c\u0435\u043d\u0435\u043d\u0438\u0438'],
      ['en', 'The shop sold me a fake and refuses to refund me, what are my consumer rights?', 'Regulation for the Implementation of the Consumer Rights Protection Law'],
    ] as const
    for (const [lang, message, title] of cases) {
      const { json } = await postChat(app, { message })
      expect(json.lang).toBe(lang)
      expect(json.citations.some((c: { lawId: string }) => c.lawId === 'consumer-rights-protection-law')).toBe(true)
      expect(json.answer).toContain(title)
      expect(json.answer).toContain('2024-07-01')
    }
  })
})

describe('POST /api/chat — errors', () => {
  const expectError = (json: any, code: string) => {
    expect(Object.keys(json)).toEqual(['error'])
    expect(json.error.code).toBe(code)
    expect(typeof json.error.message).toBe('string')
    expect(json.error.message.length).toBeGreaterThan(0)
    expect(json.error.requestId).toMatch(/.+/)
    expect(JSON.stringify(json)).not.toMatch(/at .+\.ts:\d+/)
  }

  it('rejects a body that is not JSON with invalid_json', async () => {
    const { app } = testApp()
    const { res, json } = await postChat(app, '{"message": "hi"')
    expect(res.status).toBe(400)
    expectError(json, 'invalid_json')
  })

  it('rejects a missing or non-string message, and other shapes, with invalid_request', async () => {
    const { app } = testApp()
    for (const body of [{}, { message: 42 }, [], 'null', '"text"', { message: 'hi', sessionId: 5 }]) {
      const { res, json } = await postChat(app, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expectError(json, 'invalid_request')
    }
  })

  it('treats whitespace-only as empty, in the user language', async () => {
    const { app } = testApp()
    const { res, json } = await postChat(app, { message: ' \n\t\u3000 ', lang: 'ru' })
    expect(res.status).toBe(400)
    expectError(json, 'invalid_request')
    expect(json.error.message).toBe('Пожалуйста, напишите ваш вопрос.')
  })

  it('accepts 2000 code points after trimming and rejects 2001 with message_too_long', async () => {
    const { app } = testApp()
    const ok = await postChat(app, { message: `  ${'😀'.repeat(2000)}  ` })
    expect(ok.res.status).toBe(200)
    const tooLong = await postChat(app, { message: 'шуба '.repeat(400) + 'x' })
    expect(tooLong.res.status).toBe(400)
    expectError(tooLong.json, 'message_too_long')
    expect(tooLong.json.error.message).toContain('2000')
    expect(tooLong.json.error.message).toMatch(/[а-я]/)
  })

  it('rejects a language other than zh, ru, en with unsupported_lang', async () => {
    const { app } = testApp()
    const { res, json } = await postChat(app, { message: 'Hallo', lang: 'de' })
    expect(res.status).toBe(400)
    expectError(json, 'unsupported_lang')
  })

  it('rejects a malformed session id', async () => {
    const { app } = testApp()
    for (const sessionId of ['', 'a b', 'x'.repeat(65), '../etc', 'ключ']) {
      const { res, json } = await postChat(app, { message: 'hello', sessionId })
      expect(res.status, sessionId).toBe(400)
      expectError(json, 'invalid_request')
    }
  })

  it('rejects a body over 64 KiB with payload_too_large', async () => {
    const { app } = testApp()
    const { res, json } = await postChat(app, { message: 'x'.repeat(70 * 1024) })
    expect(res.status).toBe(413)
    expectError(json, 'payload_too_large')
  })

  it('limits requests per client with rate_limited and Retry-After', async () => {
    const { app } = testApp({ rateLimitPerMinute: 2, clientKey: () => '203.0.113.9' })
    expect((await postChat(app, { message: 'hello' })).res.status).toBe(200)
    expect((await postChat(app, { message: 'hello' })).res.status).toBe(200)
    const { res, json } = await postChat(app, { message: 'hello' }, { 'accept-language': 'zh-CN,zh;q=0.9' })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expectError(json, 'rate_limited')
    expect(json.error.message).toMatch(HAN)
  })

  it('answers unknown paths with not_found in the Accept-Language language', async () => {
    const { app } = testApp()
    const res = await app.request('/api/nothing', { headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } })
    expect(res.status).toBe(404)
    const json = (await res.json()) as any
    expectError(json, 'not_found')
    expect(json.error.message).toBe('Не найдено.')
  })

  it('answers a store failure with storage_unavailable, never a 500', async () => {
    const { StorageUnavailableError } = await import('../src/core/ports.js')
    const { SqliteStore } = await import('../src/adapters/node/sqlite-store.js')
    const broken = new SqliteStore(':memory:')
    broken.saveSession = async () => {
      throw new StorageUnavailableError('disk full')
    }
    const { app } = testApp({}, { store: broken })
    const { res, json } = await postChat(app, { message: 'шуба подделка' })
    expect(res.status).toBe(503)
    expectError(json, 'storage_unavailable')
    expect(json.error.message).toMatch(/[а-я]/)
  })
})

describe('POST /api/chat — error messages in the user language', () => {
  const expected = {
    zh: { text: '太长', lang: 'zh' },
    ru: { text: 'слишком длинное', lang: 'ru' },
    en: { text: 'too long', lang: 'en' },
  } as const
  const filler = { zh: '导游', ru: 'гид ', en: 'guide ' } as const
  for (const lang of ['zh', 'ru', 'en'] as const) {
    it(`explains message_too_long in ${lang}, detected from the message itself`, async () => {
      const { app } = testApp()
      const { res, json } = await postChat(app, { message: filler[lang].repeat(1200) })
      expect(res.status).toBe(400)
      expect(json.error.code).toBe('message_too_long')
      expect(json.error.message).toContain(expected[lang].text)
    })
  }
})
