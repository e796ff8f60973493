/**
 * The Store contract: what every implementation of the Store port (src/core/mediation/store.ts) must do, as the
 * mediation core and its users see it. tests/store.test.ts runs it against SQLite and D1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent, CaseMessage, CaseRecord, Mediator, MediatorSession } from '../src/core/mediation/case.js'
import type { Store } from '../src/core/mediation/store.js'
import type { ChatSession, SessionTurn } from '../src/core/ports.js'

export interface StoreUnderTest {
  store: Store
  /** Closes the store and opens it again on the same data (a restart), when the implementation has durable data. */
  reopen?: () => Promise<Store>
  /** Closes whatever store is open last. */
  close(): Promise<void>
}

/** Minute `m` of one November morning in Heihe, as the ISO strings the core stores. */
export const at = (m: number) => new Date(Date.UTC(2026, 10, 23, 2, 0) + m * 60_000).toISOString()

export const turn = (m: number, question: string, extra: Partial<SessionTurn> = {}): SessionTurn => ({
  at: at(m),
  question,
  lang: 'ru',
  confidence: 'high',
  citations: ['consumer-rights-protection-law:55'],
  ...extra,
})

export const chatSession = (id: string, m: number, turns: SessionTurn[] = [turn(m, 'Шуба оказалась подделкой')]): ChatSession => ({
  id,
  createdAt: at(m),
  updatedAt: turns.at(-1)?.at ?? at(m),
  lang: 'ru',
  turns,
})

export const caseRecord = (id: string, over: Partial<CaseRecord> = {}): CaseRecord => ({
  id,
  accessDigest: `digest-${id}`,
  sessionId: `s-${id}`,
  status: 'new',
  lang: 'ru',
  channel: 'web',
  topic: 'consumer',
  party: { name: 'Магазин мехов «Север»', address: 'Heihe, test street' },
  amount: 12000,
  assigneeId: null,
  createdAt: at(10),
  updatedAt: at(10),
  claimedAt: null,
  firstReplyAt: null,
  closedAt: null,
  outcome: null,
  referral: null,
  personalDataErasedAt: null,
  ...over,
})

const created = (c: CaseRecord): AuditEvent => ({ caseId: c.id, actor: 'tourist', action: 'create', detail: { channel: c.channel, contact: true }, at: c.createdAt })

const transcript = (c: CaseRecord): Omit<CaseMessage, 'seq'>[] => [
  { from: 'tourist', mediatorId: null, text: 'Шуба оказалась подделкой', at: c.createdAt },
  { from: 'bot', mediatorId: null, text: 'Статья 55 Закона о защите прав потребителей…', at: c.createdAt },
]

const contact = { details: { name: 'Иван Петров', wechat: 'ivan-test', passport: 'TEST-0000' }, consentAt: at(10) }

/** Creates a case the way escalation does: record, transcript, contact and creation audit together. */
export async function openCase(store: Store, c: CaseRecord, withContact = true) {
  await store.createCase({ record: c, transcript: transcript(c), contact: withContact ? contact : null, audit: created(c) })
  return c
}

export const mediator = (login: string, over: Partial<Mediator> = {}): Mediator => ({
  id: `m-${login}`,
  login,
  name: `调解员 ${login}`,
  role: 'mediator',
  languages: ['zh', 'ru'],
  passwordHash: `scrypt$16384$8$1$salt-${login}$key-${login}`,
  disabledAt: null,
  createdAt: at(0),
  ...over,
})

const mediatorSession = (token: string, mediatorId: string): MediatorSession => ({
  tokenDigest: `digest-${token}`,
  mediatorId,
  csrfToken: `csrf-${token}`,
  createdAt: at(1),
  expiresAt: at(600),
})

const mediatorSays = (m: number, text: string, id = 'm-wang') => ({ from: 'mediator' as const, mediatorId: id, text, at: at(m) })
const touristSays = (m: number, text: string) => ({ from: 'tourist' as const, mediatorId: null, text, at: at(m) })

export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>) {
  describe(`Store contract (${name})`, () => {
    let t: StoreUnderTest
    let store: Store
    beforeEach(async () => {
      t = await makeStore()
      store = t.store
    })
    afterEach(async () => {
      await t.close()
    })

    describe('chat sessions', () => {
      it('returns null for an unknown session and reads back what it saved, turns in order, answers where given', async () => {
        expect(await store.getSession('nope')).toBeNull()
        const s = chatSession('s1', 0, [turn(0, 'Где вернуть деньги?', { answer: 'Обратитесь в 12315…' }), turn(1, 'и ещё', { confidence: 'none', citations: [] })])
        await store.saveSession(s)
        expect(await store.getSession('s1')).toEqual(s)
      })

      it('keeps a long chat whole and in order, and its handoff transcript too', async () => {
        const turns = Array.from({ length: 40 }, (_, i) => turn(i, `вопрос ${i}`, { answer: `ответ ${i}` }))
        const s = chatSession('long', 0, turns)
        await store.saveSession(s)
        const more: ChatSession = { ...s, updatedAt: at(41), turns: [...turns, turn(41, 'последний')] }
        await store.saveSession(more)
        expect(await store.getSession('long')).toEqual(more)
        const c = caseRecord('c1', { sessionId: 'long' })
        const messages = more.turns.flatMap((t) => [
          { from: 'tourist' as const, mediatorId: null, text: t.question, at: t.at },
          ...(t.answer ? [{ from: 'bot' as const, mediatorId: null, text: t.answer, at: t.at }] : []),
        ])
        await store.createCase({ record: c, transcript: messages, contact: null, audit: created(c) })
        expect(await store.listMessages('c1')).toEqual(messages.map((m, seq) => ({ ...m, seq })))
        expect(await store.appendMessage('c1', touristSays(50, 'ещё'))).toBe(messages.length)
      })

      it('saving a session again records its new turns, language and time', async () => {
        const s = chatSession('s1', 0)
        await store.saveSession(s)
        const later: ChatSession = { ...s, lang: 'en', updatedAt: at(5), turns: [...s.turns, turn(5, 'And then?', { lang: 'en', confidence: 'possible' })] }
        await store.saveSession(later)
        expect(await store.getSession('s1')).toEqual(later)
      })
    })

    describe('cases', () => {
      it('creates a case with its transcript, contact and audit event, readable by id and by access digest', async () => {
        const c = await openCase(store, caseRecord('c1'))
        expect(await store.getCase('c1')).toEqual(c)
        expect(await store.getCaseByAccessDigest('digest-c1')).toEqual(c)
        expect(await store.getCase('c2')).toBeNull()
        expect(await store.getCaseByAccessDigest('digest-unknown')).toBeNull()
        expect(await store.listMessages('c1')).toEqual(transcript(c).map((m, seq) => ({ ...m, seq })))
        expect(await store.getContact('c1')).toEqual(contact)
        expect(await store.listAudit('c1')).toEqual([created(c)])
      })

      it('keeps every field of a case as given, nulls included', async () => {
        const full = caseRecord('c1', {
          status: 'referred',
          channel: 'kiosk',
          lang: 'zh',
          topic: null,
          party: null,
          amount: 99.5,
          assigneeId: 'm-wang',
          claimedAt: at(11),
          firstReplyAt: at(12),
          closedAt: at(13),
          outcome: { summary: 'Магазин вернул 8000 юаней', amountAgreed: 8000 },
          referral: { to: 'complaint-12315', note: 'жалоба подана' },
        })
        await store.createCase({ record: full, transcript: [], contact: null, audit: created(full) })
        expect(await store.getCase('c1')).toEqual(full)
        expect(await store.getContact('c1')).toBeNull()
        expect(await store.listMessages('c1')).toEqual([])
      })

      it('writes nothing of a case whose creation fails (all or nothing)', async () => {
        await openCase(store, caseRecord('c1'))
        // Same access digest as c1: the case row is refused, so its transcript, contact and audit must not appear.
        const clash = caseRecord('c2', { accessDigest: 'digest-c1' })
        await expect(openCase(store, clash)).rejects.toThrow()
        expect(await store.getCase('c2')).toBeNull()
        expect(await store.listMessages('c2')).toEqual([])
        expect(await store.getContact('c2')).toBeNull()
        expect(await store.listAudit('c2')).toEqual([])
      })

      it("finds a chat session's newest open case, never a closed one or another session's", async () => {
        await openCase(store, caseRecord('old', { sessionId: 's1', status: 'resolved', createdAt: at(1), updatedAt: at(2), closedAt: at(2) }))
        await openCase(store, caseRecord('older-open', { sessionId: 's1', createdAt: at(3), updatedAt: at(3) }))
        const newest = await openCase(store, caseRecord('newest', { sessionId: 's1', status: 'in-mediation', createdAt: at(4), updatedAt: at(4) }))
        await openCase(store, caseRecord('other', { sessionId: 's2', createdAt: at(5), updatedAt: at(5) }))
        expect(await store.openCaseOfSession('s1')).toEqual(newest)
        expect(await store.openCaseOfSession('s3')).toBeNull()
        await openCase(store, caseRecord('withdrawn', { sessionId: 's4', status: 'withdrawn', closedAt: at(6) }))
        expect(await store.openCaseOfSession('s4')).toBeNull()
      })

      it('lists cases by status and by creation time [from, before), oldest first', async () => {
        await openCase(store, caseRecord('c3', { createdAt: at(30), updatedAt: at(30), status: 'claimed', assigneeId: 'm-wang' }))
        await openCase(store, caseRecord('c1', { createdAt: at(10), updatedAt: at(10) }))
        await openCase(store, caseRecord('c2', { createdAt: at(20), updatedAt: at(20), status: 'resolved', closedAt: at(25) }))
        const ids = async (filter?: Parameters<Store['listCases']>[0]) => (await store.listCases(filter)).map((c) => c.id)
        expect(await ids()).toEqual(['c1', 'c2', 'c3'])
        expect(await ids({ statuses: ['new', 'claimed'] })).toEqual(['c1', 'c3'])
        expect(await ids({ statuses: [] })).toEqual([])
        expect(await ids({ createdFrom: at(20) })).toEqual(['c2', 'c3'])
        expect(await ids({ createdBefore: at(20) })).toEqual(['c1'])
        expect(await ids({ createdFrom: at(10), createdBefore: at(30), statuses: ['resolved'] })).toEqual(['c2'])
        expect((await store.listCases({ statuses: ['claimed'] }))[0]).toEqual(await store.getCase('c3'))
      })

      it('updates a case only while it is unchanged since it was read, with its audit event', async () => {
        const c = await openCase(store, caseRecord('c1'))
        const claim: AuditEvent = { caseId: 'c1', actor: 'mediator:m-wang', action: 'claim', detail: { from: 'new', to: 'claimed' }, at: at(11) }
        const claimed: CaseRecord = { ...c, status: 'claimed', assigneeId: 'm-wang', claimedAt: at(11), updatedAt: at(11) }
        expect(await store.updateCase(claimed, c.updatedAt, claim)).toBe(true)
        expect(await store.getCase('c1')).toEqual(claimed)

        // A second mediator still holding the case as it was: refused, and nothing of theirs is written.
        const stale: CaseRecord = { ...c, status: 'claimed', assigneeId: 'm-li', claimedAt: at(12), updatedAt: at(12) }
        const staleAudit: AuditEvent = { ...claim, actor: 'mediator:m-li', at: at(12) }
        expect(await store.updateCase(stale, c.updatedAt, staleAudit)).toBe(false)
        expect(await store.getCase('c1')).toEqual(claimed)
        expect(await store.listAudit('c1')).toEqual([created(c), claim])

        const resolved: CaseRecord = {
          ...claimed,
          status: 'resolved',
          closedAt: at(20),
          updatedAt: at(20),
          outcome: { summary: 'Возврат 12000 юаней', amountAgreed: 12000 },
          party: { name: 'Магазин мехов «Север»', licence: 'TEST-LICENCE' },
          amount: 12500,
          topic: 'tourism',
        }
        const resolve: AuditEvent = { caseId: 'c1', actor: 'mediator:m-wang', action: 'resolve', detail: { from: 'claimed', to: 'resolved' }, at: at(20) }
        expect(await store.updateCase(resolved, claimed.updatedAt, resolve)).toBe(true)
        expect(await store.getCase('c1')).toEqual(resolved)
        expect(await store.listAudit('c1')).toEqual([created(c), claim, resolve])
      })

      it('lets exactly one of two simultaneous claims of the same case win', async () => {
        const c = await openCase(store, caseRecord('c1'))
        const claimBy = (id: string) =>
          store.updateCase({ ...c, status: 'claimed', assigneeId: id, claimedAt: at(11), updatedAt: at(11) }, c.updatedAt, {
            caseId: 'c1', actor: `mediator:${id}`, action: 'claim', detail: null, at: at(11),
          })
        const results = await Promise.all([claimBy('m-wang'), claimBy('m-li')])
        expect(results.filter(Boolean)).toHaveLength(1)
        const winner = results[0] ? 'm-wang' : 'm-li'
        expect((await store.getCase('c1'))?.assigneeId).toBe(winner)
        expect((await store.listAudit('c1')).filter((e) => e.action === 'claim').map((e) => e.actor)).toEqual([`mediator:${winner}`])
      })
    })

    describe('case messages', () => {
      it('appends messages after the transcript, each with its own seq, and lists them in order or after a seq', async () => {
        await openCase(store, caseRecord('c1'))
        expect(await store.appendMessage('c1', touristSays(11, 'Есть кто-нибудь?'))).toBe(2)
        expect(await store.appendMessage('c1', mediatorSays(12, '您好，我是调解员'))).toBe(3)
        const all = await store.listMessages('c1')
        expect(all.map((m) => m.seq)).toEqual([0, 1, 2, 3])
        expect(all[3]).toEqual({ seq: 3, ...mediatorSays(12, '您好，我是调解员') })
        expect(await store.listMessages('c1', 1)).toEqual(all.slice(2))
        expect(await store.listMessages('c1', 3)).toEqual([])
        expect(await store.listMessages('c2')).toEqual([])
      })

      it('gives simultaneous messages distinct seqs, each the seq of its own message', async () => {
        await openCase(store, caseRecord('c1'))
        const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`)
        const seqs = await Promise.all(texts.map((text, i) => store.appendMessage('c1', i % 2 ? mediatorSays(20, text) : touristSays(20, text))))
        expect(new Set(seqs).size).toBe(texts.length)
        expect([...seqs].sort((a, b) => a - b)).toEqual(texts.map((_, i) => i + 2))
        const bySeq = new Map((await store.listMessages('c1')).map((m) => [m.seq, m.text]))
        texts.forEach((text, i) => expect(bySeq.get(seqs[i]!)).toBe(text))
      })

      it("sets firstReplyAt at a mediator's first reply only, and an update from an older read keeps it", async () => {
        const c = await openCase(store, caseRecord('c1', { status: 'claimed', assigneeId: 'm-wang', claimedAt: at(10) }))
        await store.appendMessage('c1', touristSays(11, 'Алло?'))
        expect((await store.getCase('c1'))?.firstReplyAt).toBeNull()
        await store.appendMessage('c1', mediatorSays(12, '在的'))
        await store.appendMessage('c1', mediatorSays(13, '请稍等'))
        expect((await store.getCase('c1'))?.firstReplyAt).toBe(at(12))
        // A transition computed from the case as read before the reply (firstReplyAt still null).
        const ok = await store.updateCase({ ...c, status: 'in-mediation', updatedAt: at(14) }, c.updatedAt, {
          caseId: 'c1', actor: 'mediator:m-wang', action: 'start-mediation', detail: null, at: at(14),
        })
        expect(ok).toBe(true)
        expect(await store.getCase('c1')).toMatchObject({ status: 'in-mediation', firstReplyAt: at(12) })
      })

      it('refuses a message for a case that does not exist', async () => {
        await expect(store.appendMessage('nope', touristSays(1, 'hello'))).rejects.toThrow()
        expect(await store.listMessages('nope')).toEqual([])
      })

      it('tells who spoke last in each case, in one read', async () => {
        await openCase(store, caseRecord('c1'))
        await openCase(store, caseRecord('c2'))
        await store.createCase({ record: caseRecord('empty'), transcript: [], contact: null, audit: created(caseRecord('empty')) })
        await store.appendMessage('c1', mediatorSays(15, 'ответ'))
        await store.appendMessage('c2', mediatorSays(15, 'ответ'))
        await store.appendMessage('c2', touristSays(16, 'спасибо'))
        const latest = await store.latestMessages(['c1', 'c2', 'empty', 'unknown'])
        expect(Object.fromEntries(latest)).toEqual({ c1: { from: 'mediator', at: at(15) }, c2: { from: 'tourist', at: at(16) } })
        expect((await store.latestMessages([])).size).toBe(0)
        // A busy queue: more ids than D1 binds parameters to one statement (100).
        const many = [...Array.from({ length: 150 }, (_, i) => `unknown-${i}`), 'c2']
        expect(Object.fromEntries(await store.latestMessages(many))).toEqual({ c2: { from: 'tourist', at: at(16) } })
      })
    })

    describe('notes, contact and audit', () => {
      it('keeps internal notes per case in order, simultaneous ones included', async () => {
        await openCase(store, caseRecord('c1'))
        await openCase(store, caseRecord('c2'))
        await store.addNote('c1', { mediatorId: 'm-wang', text: 'позвонить в магазин', at: at(11) })
        await Promise.all([1, 2, 3].map((i) => store.addNote('c1', { mediatorId: 'm-li', text: `note ${i}`, at: at(12) })))
        const notes = await store.listNotes('c1')
        expect(notes[0]).toEqual({ seq: 0, mediatorId: 'm-wang', text: 'позвонить в магазин', at: at(11) })
        expect(notes.map((n) => n.seq)).toEqual([0, 1, 2, 3])
        expect(new Set(notes.map((n) => n.text)).size).toBe(4)
        expect(await store.listNotes('c2')).toEqual([])
      })

      it("erases a case's contact details with an audit event, keeping the case and transcript", async () => {
        const c = await openCase(store, caseRecord('c1'))
        const erase: AuditEvent = { caseId: 'c1', actor: 'tourist', action: 'erase-contact', detail: null, at: at(20) }
        await store.eraseContact('c1', erase)
        expect(await store.getContact('c1')).toBeNull()
        expect(await store.getCase('c1')).toEqual(c)
        expect(await store.listMessages('c1')).toHaveLength(2)
        expect(await store.listAudit('c1')).toEqual([created(c), erase])
      })

      it('lists the audit trail of a case in the order it happened, details intact', async () => {
        const c = await openCase(store, caseRecord('c1'))
        const view: AuditEvent = { caseId: 'c1', actor: 'mediator:m-wang', action: 'view-contact', detail: { why: 'callback', nested: { n: 1 } }, at: at(11) }
        const note: AuditEvent = { caseId: 'c1', actor: 'mediator:m-wang', action: 'note', detail: null, at: at(11) }
        await store.audit(view)
        await store.audit({ caseId: null, actor: 'mediator:m-wang', action: 'sign-in', detail: null, at: at(11) })
        await store.audit({ caseId: 'c2', actor: 'tourist', action: 'view', detail: null, at: at(11) })
        await store.audit(note)
        expect(await store.listAudit('c1')).toEqual([created(c), view, note])
      })

      it('records an event unless the same actor recorded the same action on the case since a time', async () => {
        await openCase(store, caseRecord('c1'))
        const view = (actor: string, m: number): AuditEvent => ({ caseId: 'c1', actor, action: 'view-transcript', detail: null, at: at(m) })
        await store.auditUnlessSince(view('mediator:m-wang', 20), at(0))
        await store.auditUnlessSince(view('mediator:m-wang', 21), at(0)) // within the window: skipped
        await store.auditUnlessSince(view('mediator:m-li', 22), at(0)) // someone else: recorded
        await store.auditUnlessSince(view('mediator:m-wang', 90), at(30)) // window moved on: recorded again
        const views = (await store.listAudit('c1')).filter((e) => e.action === 'view-transcript')
        expect(views).toEqual([view('mediator:m-wang', 20), view('mediator:m-li', 22), view('mediator:m-wang', 90)])
      })
    })

    describe('mediators', () => {
      it('creates, finds, lists (by login) and updates mediator accounts; a login is taken once', async () => {
        const wang = mediator('wang')
        const li = mediator('li', { role: 'supervisor', languages: ['zh', 'ru', 'en'] })
        await store.createMediator(wang)
        await store.createMediator(li)
        expect(await store.getMediator('m-wang')).toEqual(wang)
        expect(await store.getMediatorByLogin('li')).toEqual(li)
        expect(await store.getMediator('m-nobody')).toBeNull()
        expect(await store.getMediatorByLogin('nobody')).toBeNull()
        expect(await store.listMediators()).toEqual([li, wang])
        await expect(store.createMediator(mediator('wang', { id: 'm-other' }))).rejects.toThrow()

        const changed: Mediator = { ...wang, name: '王调解员', role: 'supervisor', languages: ['ru'], passwordHash: 'scrypt$new', disabledAt: at(50) }
        await store.updateMediator(changed)
        expect(await store.getMediatorByLogin('wang')).toEqual(changed)
      })

      it('keeps sign-in sessions, ends one, or ends all of one mediator and says how many', async () => {
        await store.createMediator(mediator('wang'))
        await store.createMediator(mediator('li'))
        for (const s of [mediatorSession('a', 'm-wang'), mediatorSession('b', 'm-wang'), mediatorSession('c', 'm-wang'), mediatorSession('d', 'm-li')]) {
          await store.createMediatorSession(s)
        }
        expect(await store.getMediatorSession('digest-a')).toEqual(mediatorSession('a', 'm-wang'))
        expect(await store.getMediatorSession('digest-x')).toBeNull()
        await store.deleteMediatorSession('digest-a')
        expect(await store.getMediatorSession('digest-a')).toBeNull()
        expect(await store.deleteMediatorSessions('m-wang')).toBe(2)
        expect(await store.getMediatorSession('digest-b')).toBeNull()
        expect(await store.getMediatorSession('digest-d')).toEqual(mediatorSession('d', 'm-li'))
        expect(await store.deleteMediatorSessions('m-wang')).toBe(0)
      })
    })

    describe('reports and retention', () => {
      it('counts chat answers in [from, before) by language and confidence', async () => {
        await store.saveSession(chatSession('s1', 0, [turn(0, 'a'), turn(1, 'b'), turn(2, 'c', { confidence: 'none' })]))
        await store.saveSession(chatSession('s2', 5, [turn(5, 'd', { lang: 'zh' }), turn(60, 'e', { lang: 'zh' })]))
        expect(await store.countAnswers(at(0), at(60))).toEqual([
          { lang: 'ru', confidence: 'high', count: 2 },
          { lang: 'ru', confidence: 'none', count: 1 },
          { lang: 'zh', confidence: 'high', count: 1 },
        ])
        expect(await store.countAnswers(at(1), at(2))).toEqual([{ lang: 'ru', confidence: 'high', count: 1 }])
        expect(await store.countAnswers(at(100), at(200))).toEqual([])
      })

      it('purges chats last active before a time, keeping recent ones and those that became cases', async () => {
        await store.saveSession(chatSession('old', 0, [turn(0, 'a'), turn(1, 'b'), turn(2, 'c')]))
        await store.saveSession(chatSession('old-2', 3))
        const escalated = chatSession('escalated', 0)
        await store.saveSession(escalated)
        await openCase(store, caseRecord('c1', { sessionId: 'escalated', status: 'resolved', closedAt: at(20) }))
        const recent = chatSession('recent', 100)
        await store.saveSession(recent)
        expect(await store.purgeChats(at(50))).toBe(2)
        expect(await store.getSession('old')).toBeNull()
        expect(await store.getSession('old-2')).toBeNull()
        expect(await store.getSession('escalated')).toEqual(escalated)
        expect(await store.getSession('recent')).toEqual(recent)
        expect(await store.countAnswers(at(0), at(10))).toEqual([{ lang: 'ru', confidence: 'high', count: 1 }])
        expect(await store.purgeChats(at(50))).toBe(0)
      })

      it('erases the personal data of cases closed before a time, keeping what reports count', async () => {
        await store.saveSession(chatSession('s-c1', 0, [turn(0, 'Меня обманули в магазине', { answer: 'Статья 55…' })]))
        const closed = await openCase(store, caseRecord('c1', {
          status: 'referred', closedAt: at(20), updatedAt: at(20),
          outcome: { summary: 'не договорились', amountAgreed: null },
          referral: { to: 'complaint-12315', note: 'Иван Петров, паспорт TEST-0000' },
        }))
        await store.addNote('c1', { mediatorId: 'm-wang', text: 'телефон магазина записан', at: at(15) })
        const recentlyClosed = await openCase(store, caseRecord('c2', { status: 'resolved', closedAt: at(200), updatedAt: at(200), outcome: { summary: 'ok', amountAgreed: 1 } }))
        const open = await openCase(store, caseRecord('c3'))

        expect(await store.erasePersonalData(at(100), at(300))).toEqual(['c1'])
        expect(await store.getCase('c1')).toEqual({
          ...closed,
          party: null,
          outcome: null,
          referral: { to: 'complaint-12315', note: '' },
          personalDataErasedAt: at(300),
        })
        expect(await store.getContact('c1')).toBeNull()
        expect(await store.listMessages('c1')).toEqual([])
        expect(await store.listNotes('c1')).toEqual([])
        expect((await store.getSession('s-c1'))?.turns).toEqual([])
        expect((await store.listAudit('c1')).at(-1)).toEqual({ caseId: 'c1', actor: 'system', action: 'erase-personal-data', detail: { reason: 'retention' }, at: at(300) })

        expect(await store.getCase('c2')).toEqual(recentlyClosed)
        expect(await store.getContact('c2')).toEqual(contact)
        expect(await store.getCase('c3')).toEqual(open)
        expect(await store.listMessages('c3')).toHaveLength(2)
        expect(await store.erasePersonalData(at(100), at(301))).toEqual([])
      })
    })

    it('keeps everything it acknowledged across a restart', async (ctx) => {
      if (!t.reopen) return ctx.skip()
      const s = chatSession('s1', 0, [turn(0, 'Шуба', { answer: 'Статья 55' })])
      await store.saveSession(s)
      const c = await openCase(store, caseRecord('c1', { sessionId: 's1' }))
      const seq = await store.appendMessage('c1', mediatorSays(12, '您好'))
      await store.addNote('c1', { mediatorId: 'm-wang', text: 'note', at: at(12) })
      await store.createMediator(mediator('wang'))
      await store.createMediatorSession(mediatorSession('a', 'm-wang'))

      const again = await t.reopen()
      expect(await again.getSession('s1')).toEqual(s)
      expect(await again.getCase('c1')).toEqual({ ...c, firstReplyAt: at(12) })
      expect((await again.listMessages('c1')).map((m) => m.seq)).toEqual([0, 1, seq])
      expect(await again.getContact('c1')).toEqual(contact)
      expect(await again.listNotes('c1')).toHaveLength(1)
      expect(await again.listAudit('c1')).toEqual([created(c)])
      expect(await again.getMediatorByLogin('wang')).toEqual(mediator('wang'))
      expect(await again.getMediatorSession('digest-a')).toEqual(mediatorSession('a', 'm-wang'))
      expect(await again.appendMessage('c1', touristSays(13, 'спасибо'))).toBe(seq + 1)
    })
  })
}
