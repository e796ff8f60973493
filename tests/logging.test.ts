import { describe, expect, it } from 'vitest'
import { redact, redactLine } from '../src/http/request-log.js'
import { postChat, testApp } from './support/runtime.js'

// Realistic personal data as tourists, mediators and error messages carry it. None of it may reach a log.
const PERSONAL = {
  passports: ['E12345678', 'EA1234567', 'G87654321', '72 1234567', '721234567', '45 12 345678'],
  phones: ['+7 914 123-45-67', '8 (914) 123-45-67', '+79141234567', '138 0013 8000', '13800138000', '+86 138-0013-8000', '(4162) 12-34-56'],
  emails: ['anna.petrova@mail.ru', 'li.wei+tour@163.com', 'john_smith@example.co.uk', 'иван@почта.рф'],
  ids: ['23010219850101123X'],
}

const SENTENCES: { text: string; secrets: string[] }[] = [
  {
    text: '我叫王小明，护照号E12345678，电话138 0013 8000，邮箱li.wei+tour@163.com，身份证23010219850101123X。',
    secrets: ['王小明', 'E12345678', '138 0013 8000', 'li.wei+tour@163.com', '23010219850101123X'],
  },
  {
    text: 'Здравствуйте, меня зовут Анна Петрова, загранпаспорт 72 1234567, телефон +7 914 123-45-67, почта anna.petrova@mail.ru',
    secrets: ['Анна', 'Петрова', '72 1234567', '+7 914 123-45-67', '914 123-45-67', 'anna.petrova@mail.ru'],
  },
  {
    text: 'Меня зовут Иван Сергеевич Кузнецов, паспорт РФ 45 12 345678, звоните 8 (914) 123-45-67',
    secrets: ['Иван', 'Кузнецов', '45 12 345678', '345678', '123-45-67'],
  },
  {
    text: 'Hello, my name is John Smith, passport EA1234567, phone +86 138-0013-8000, mail john_smith@example.co.uk',
    secrets: ['John', 'Smith', 'EA1234567', '138-0013-8000', 'john_smith@example.co.uk'],
  },
  {
    text: 'SQLITE_CONSTRAINT: UNIQUE failed for contact {"name":"Li","phone":"+79141234567","passport":"G87654321"}',
    secrets: ['+79141234567', '79141234567', 'G87654321'],
  },
]

describe('redaction', () => {
  it('removes passport, phone, ID numbers, e-mails and names from zh, ru and en text', () => {
    for (const { text, secrets } of SENTENCES) {
      const out = redact(text)
      for (const secret of secrets) expect(out, `${secret} in ${out}`).not.toContain(secret)
    }
    for (const value of [...PERSONAL.passports, ...PERSONAL.phones, ...PERSONAL.emails, ...PERSONAL.ids]) {
      const out = redact(`contact: ${value}.`)
      expect(out, value).not.toMatch(/\d{3}/)
      expect(out, value).not.toContain(value)
    }
  })

  it('keeps what a log line is for: words, short numbers, error names', () => {
    expect(redact('SqliteError: database or disk is full (SQLITE_FULL) after 3 retries in 250 ms')).toBe(
      'SqliteError: database or disk is full (SQLITE_FULL) after 3 retries in 250 ms',
    )
    expect(redact('我叫王小明')).toBe('我叫[name]')
    expect(redact('телефон +7 914 123-45-67')).toBe('телефон [number]')
    expect(redact('passport E12345678')).toBe('passport [passport]')
  })

  it('redacts every free-text field of a log line, nested ones too, and leaves ids and timings alone', () => {
    const line = redactLine({
      t: '2026-11-23T10:00:00.000Z',
      requestId: '7f0e3c2a-1234-4bcd-9876-0123456789ab',
      status: 503,
      ms: 12,
      error: 'write failed for +7 914 123-45-67',
      context: { note: 'меня зовут Анна', list: ['E12345678'] },
    })
    expect(line.t).toBe('2026-11-23T10:00:00.000Z')
    expect(line.requestId).toBe('7f0e3c2a-1234-4bcd-9876-0123456789ab')
    expect(JSON.stringify(line)).not.toMatch(/914|Анна|E12345678/)
  })
})

describe('request log', () => {
  it('writes one JSON line per request: id, method, route pattern, status, latency — never body, query or personal data', async () => {
    const lines: Record<string, unknown>[] = []
    const { app } = testApp({ log: (line) => lines.push(line) })
    const chat = await postChat(app, { message: 'Меня зовут Анна Петрова, паспорт 72 1234567, телефон +7 914 123-45-67. Мне продали поддельную шубу.' })
    expect(chat.res.status).toBe(200)
    const handoff = await app.request('/api/handoff', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: chat.json.sessionId, contact: { name: 'Анна Петрова', phone: '+7 914 123-45-67', passport: '721234567' }, consent: true }),
    })
    const { caseId, accessCode } = (await handoff.json()) as { caseId: string; accessCode: string }
    await app.request(`/api/cases/${caseId}?code=${accessCode}&phone=%2B79141234567`, { headers: { 'x-access-code': accessCode } })
    await app.request('/nowhere/+79141234567/E12345678?passport=E12345678')

    expect(lines).toHaveLength(4)
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['level', 'method', 'ms', 'requestId', 'route', 'status'])
      expect(typeof line.requestId).toBe('string')
      expect(typeof line.ms).toBe('number')
    }
    expect(lines.map((l) => [l.method, l.route, l.status])).toEqual([
      ['POST', '/api/chat', 200],
      ['POST', '/api/handoff', 201],
      ['GET', '/api/cases/:caseId', 200],
      ['GET', '/nowhere/[number]/[passport]', 404],
    ])
    const all = JSON.stringify(lines)
    for (const secret of ['Анна', '914', '1234567', 'E12345678', 'шуб', caseId, accessCode.slice(0, 4), '?']) {
      expect(all).not.toContain(secret)
    }
  })

  it('logs an internal error by name and a redacted message, and answers 500 without details', async () => {
    const lines: Record<string, unknown>[] = []
    const { app, store } = testApp({ log: (line) => lines.push(line) })
    store.getCaseByAccessDigest = async () => {
      throw new Error('lookup failed for passport E12345678, phone +7 914 123-45-67')
    }
    const res = await app.request('/api/cases/open', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessCode: '1234-5678-9012-3' }) })
    expect(res.status).toBe(500)
    expect(JSON.stringify(await res.json())).not.toContain('E12345678')
    const error = lines.find((l) => l.level === 'error' && 'error' in l)!
    expect(error.error).toBe('Error')
    expect(error.detail).toBe('lookup failed for passport [passport], phone [number]')
  })
})
