import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadKnowledgeBundle } from '../src/adapters/node/knowledge-files.js'
import { loadLocalContacts } from '../src/adapters/node/local-contacts-file.js'
import { KNOWLEDGE_DIR } from '../src/cli/paths.js'
import { checkGuidance } from '../src/core/knowledge/guidance-check.js'
import { KnowledgeBase } from '../src/core/knowledge/knowledge-base.js'
import { parseLocalContacts } from '../src/core/knowledge/local-contacts.js'
import { GuidanceCardSchema, LANGS, type GuidanceCard, type LocalContact } from '../src/core/knowledge/schema.js'
import { SqliteStore } from '../src/adapters/node/sqlite-store.js'
import { fixedClock, postChat, testApp, testRuntime } from './support/runtime.js'

const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
const knowledge = new KnowledgeBase(bundle)
const card = (id: string) => structuredClone(bundle.guidance.find((c) => c.id === id)!)

describe('guidance cards (knowledge/guidance)', () => {
  it('has at least 40 cards, each complete in zh, ru and en, passing the validator', () => {
    expect(bundle.guidance.length).toBeGreaterThanOrEqual(40)
    for (const c of bundle.guidance) {
      for (const lang of LANGS) expect(c.text[lang].steps.length, `${c.id} ${lang}`).toBeGreaterThanOrEqual(2)
    }
    expect(checkGuidance(knowledge, bundle.guidance)).toEqual([])
  })

  it('covers the situations the issue lists', () => {
    const topics = new Set(bundle.guidance.flatMap((c) => c.topics))
    for (const topic of [
      'tour-forced-shopping',
      'consumer-fake-fur-coat',
      'consumer-fake-amber-jade',
      'consumer-no-refund-sign',
      'consumer-menu-without-prices',
      'consumer-food-poisoning',
      'consumer-online-7-day-return',
      'consumer-taxi-overcharge',
      'stay-lost-stolen-passport',
      'stay-overstay-fine',
      'dispute-people-mediation',
      'dispute-legal-aid',
      'consumer-complaint-12315',
    ]) {
      expect(topics.has(topic), topic).toBe(true)
    }
  })

  it('refuses a figure no cited article states, in any language and in Chinese numerals', () => {
    const fifteen = card('tour-forced-shopping')
    fifteen.text.en.deadlines = ['Complain within 15 days of the end of the trip.']
    fifteen.text.zh.answer += '请在十五日内投诉。'
    const problems = checkGuidance(knowledge, [fifteen])
    expect(problems.map((p) => `${p.kind} ${p.detail.slice(0, 8)}`)).toEqual(['unstated-figure zh: "15"', 'unstated-figure en: "15"'])
  })

  it('accepts the 30 days that tourism law article 35 states, and refuses it once the article is no longer cited', () => {
    const shopping = card('tour-forced-shopping')
    expect(shopping.text.en.deadlines.join(' ')).toContain('30')
    expect(checkGuidance(knowledge, [shopping])).toEqual([])
    shopping.articles = shopping.articles.filter((a) => a !== 'tourism-law:35')
    expect(checkGuidance(knowledge, [shopping]).some((p) => p.kind === 'unstated-figure' && p.detail.includes('"30"'))).toBe(true)
  })

  it('refuses a service number the card does not list, an unknown article and an unknown topic', () => {
    const c = card('consumer-fur-coat-authenticity')
    c.text.ru.steps.push('Позвоните 12301.')
    c.text.zh.steps.push('拨打12301。')
    c.text.en.steps.push('Call 12301.')
    c.articles.push('consumer-rights-protection-law:999')
    c.topics.push('no-such-topic')
    const kinds = checkGuidance(knowledge, [c]).map((p) => p.kind).sort()
    expect(kinds).toEqual(['contact-not-listed', 'contact-not-listed', 'contact-not-listed', 'unknown-article', 'unknown-topic'])
  })

  it('rejects a card whose languages disagree in shape or a consumer card without a merchant note', () => {
    const c = card('consumer-fur-coat-authenticity')
    c.text.ru.steps.pop()
    expect(GuidanceCardSchema.safeParse(c).success).toBe(false)
    const noNote: GuidanceCard = { ...card('consumer-fur-coat-authenticity'), merchantNote: null }
    expect(GuidanceCardSchema.safeParse(noNote).success).toBe(false)
  })
})

const REAL_OFFICE: LocalContact = {
  id: 'heihe-legal-centre',
  kind: 'mediation-room',
  name: { zh: '测试调解室', ru: 'Тестовая комната посредничества', en: 'Test mediation room' },
  phone: '+86-456-5550-1234',
  address: { zh: '测试地址', ru: 'Тестовый адрес', en: 'Test address' },
  hours: null,
  purpose: { zh: '中俄双语调解', ru: 'Посредничество на русском', en: 'Mediation in Russian' },
}

describe('local contacts (FABAO_LOCAL_CONTACTS)', () => {
  it('refuses the shipped example file and any entry still marked as an example', () => {
    const example = JSON.parse(readFileSync(join(KNOWLEDGE_DIR, 'contacts', 'local.example.json'), 'utf8'))
    expect(() => parseLocalContacts(example)).toThrow(/example/)
    expect(() => parseLocalContacts({ ...example, example: false })).toThrow(/example-public-legal-service-centre/)
    const renamed = { ...REAL_OFFICE, name: { ...REAL_OFFICE.name, en: 'EXAMPLE room' } }
    expect(() => parseLocalContacts({ contacts: [renamed] })).toThrow(/heihe-legal-centre/)
    expect(() => parseLocalContacts({ contacts: [{ ...REAL_OFFICE, phone: '+86-000-0000-0000' }] })).toThrow(/example/)
    expect(parseLocalContacts({ contacts: [REAL_OFFICE] })).toHaveLength(1)
  })

  it('loads nothing when no file is at the default place, and stops the start when a named file is missing or the example', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabao-contacts-'))
    expect(loadLocalContacts({ FABAO_DATA_DIR: dir, FABAO_LOCAL_CONTACTS: undefined })).toEqual([])
    expect(() => loadLocalContacts({ FABAO_DATA_DIR: dir, FABAO_LOCAL_CONTACTS: join(dir, 'nope.json') })).toThrow(/does not exist/)
    writeFileSync(join(dir, 'contacts.json'), readFileSync(join(KNOWLEDGE_DIR, 'contacts', 'local.example.json')))
    expect(() => loadLocalContacts({ FABAO_DATA_DIR: dir, FABAO_LOCAL_CONTACTS: undefined })).toThrow(/refused/)
    writeFileSync(join(dir, 'contacts.json'), JSON.stringify({ contacts: [REAL_OFFICE] }))
    expect(loadLocalContacts({ FABAO_DATA_DIR: dir, FABAO_LOCAL_CONTACTS: undefined })[0]!.id).toBe('heihe-legal-centre')
  })
})

const FORCED_SHOPPING = {
  zh: '导游把我们带到购物店，不买东西就不让走，还说合同里有这个店',
  ru: 'Гид завёз нас в магазин на экскурсии и заставлял покупать, не выпускал из магазина',
  en: 'The tour guide forced us to shop in a store and would not let us leave until we bought something',
} as const

describe('POST /api/chat — guidance cards', () => {
  for (const lang of LANGS) {
    it(`leads a forced-shopping answer in ${lang} with the card's steps, then the citations, with a note for the merchant`, async () => {
      const { app } = testApp()
      const { res, json } = await postChat(app, { message: FORCED_SHOPPING[lang] })
      expect(res.status).toBe(200)
      expect(json.lang).toBe(lang)
      const expected = knowledge.cards.get('tour-forced-shopping')!
      expect(json.guidance).not.toBeNull()
      expect(Object.keys(json.guidance).sort()).toEqual(['answer', 'cardId', 'contacts', 'deadlines', 'evidence', 'steps', 'title'])
      expect(json.guidance.cardId).toBe('tour-forced-shopping')
      expect(json.guidance.title).toBe(expected.text[lang].title)
      expect(json.guidance.steps).toEqual(expected.text[lang].steps)
      expect(json.guidance.contacts.map((c: { id: string }) => c.id)).toEqual(['110', '12301', '12315'])
      for (const c of json.guidance.contacts) {
        expect(Object.keys(c).sort()).toEqual(['id', 'name', 'phone', 'purpose'])
        expect(c.name).toBe(knowledge.nationalContacts.get(c.id)!.name[lang])
      }
      // Steps first, then the citations.
      const firstStep = json.answer.indexOf(expected.text[lang].steps[0]!)
      const firstCitation = json.answer.indexOf(json.citations[0].title)
      expect(firstStep).toBeGreaterThanOrEqual(0)
      expect(firstCitation).toBeGreaterThan(firstStep)
      // The card rests on tourism law article 35, so the answer cites it.
      expect(json.citations.map((c: { lawId: string; article: number }) => `${c.lawId}:${c.article}`)).toContain('tourism-law:35')
      expect(json.merchantNote).toBe(expected.merchantNote!.zh)
      expect(json.merchantNote).toMatch(/《中华人民共和国旅游法》第[一二三四五六七八九十]+条/)
      expect(json.merchantNoteTranslation).toBe(lang === 'zh' ? null : expected.merchantNote![lang])
      if (lang !== 'zh') expect(json.answer).not.toMatch(/\p{Script=Han}/u)
    })
  }

  it('gives an immigration card without a merchant note, and no card at all for an out-of-scope question', async () => {
    const { app } = testApp()
    const stay = await postChat(app, { message: 'I overstayed my visa-free entry by two days, will there be a fine?' })
    expect(stay.json.guidance?.cardId).toBe('stay-overstaying-visa-free-entry')
    expect(stay.json.merchantNote).toBeNull()
    expect(stay.json.merchantNoteTranslation).toBeNull()
    const weather = await postChat(app, { message: 'What is the weather in Heihe tomorrow?' })
    expect(weather.json.confidence).toBe('none')
    expect(weather.json.guidance).toBeNull()
    expect(weather.json.merchantNote).toBeNull()
  })

  it('lists the configured local office a card names, and no local office when none is configured', async () => {
    const rt = testRuntime()
    const question = { message: 'как работает народное посредничество и сколько оно стоит?' }
    const bare = await postChat(testApp().app, question)
    expect(bare.json.guidance?.cardId).toBe('dispute-peoples-mediation-how-and-cost')
    expect(bare.json.guidance.contacts.map((c: { id: string }) => c.id)).toEqual(['12348'])
    const sessions = new SqliteStore(':memory:')
    const configured = testApp(
      { consultation: { ...rt, sessions, clock: fixedClock(), ids: { sessionId: () => 'local-contacts-session-abcdef' }, localContacts: [REAL_OFFICE] } },
      { store: sessions },
    )
    const withOffice = await postChat(configured.app, question)
    const office = withOffice.json.guidance.contacts.find((c: { id: string }) => c.id === 'heihe-legal-centre')
    expect(office).toEqual({
      id: 'heihe-legal-centre',
      name: 'Тестовая комната посредничества',
      phone: '+86-456-5550-1234',
      purpose: 'Посредничество на русском',
      address: 'Тестовый адрес',
    })
    expect(withOffice.json.answer).toContain('+86-456-5550-1234')
  })
})
