import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseFile, readConfig } from '../src/config.js'
import { REPO_ROOT } from '../src/adapters/node/consultation-runtime.js'
import { loadServerSecret, nodeCaseKeys } from '../src/adapters/node/secrets.js'
import { mediationPorts } from '../src/adapters/node/service.js'
import { SqliteStore } from '../src/adapters/node/sqlite-store.js'
import { sqliteWritable } from '../src/adapters/node/storage-probe.js'
import { openCaseByCode } from '../src/core/mediation/mediation.js'
import { postChat, testApp, testRuntime } from './support/runtime.js'

const run = promisify(execFile)
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabao-durability-'))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

// Long enough that storing them needs new pages (a 4 KiB page cannot absorb them in its free space).
const LONG_RU = 'Мне продали поддельную шубу как натуральный мех, продавец отказывается вернуть деньги. '.repeat(20)
const LONG_EN = 'The shop sold me a fake mink coat and refuses to refund the money; I have the receipt. '.repeat(20)

function counts(store: SqliteStore) {
  const db = store.database
  const n = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number
  return {
    sessions: n('chat_sessions'),
    turns: n('chat_turns'),
    cases: n('cases'),
    messages: n('case_messages'),
    contacts: n('case_contacts'),
    audit: n('audit_events'),
  }
}

describe('the SQLite store', () => {
  it('runs in WAL mode with synchronous=FULL', () => {
    const store = new SqliteStore(join(tempDir(), 'fabao.db'))
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2) // FULL
    store.close()
  })
})

describe('a full disk', () => {
  it('answers 503 storage_unavailable in the user language, writes nothing half, and recovers when space returns', async () => {
    const file = join(tempDir(), 'fabao.db')
    const store = new SqliteStore(file)
    const setup = testApp({ storageWritable: sqliteWritable(store.database, file) }, { store })
    const chat = await postChat(setup.app, { message: LONG_EN })
    const handoff = await setup.app.request('/api/handoff', post({ sessionId: chat.json.sessionId }))
    expect(handoff.status).toBe(201)
    const { caseId, accessCode } = (await handoff.json()) as { caseId: string; accessCode: string }
    const pending = await postChat(setup.app, { message: LONG_RU })
    expect((await setup.app.request('/readyz')).status).toBe(200)

    // Fill the database up to a hard page limit, as a full disk would.
    const db = store.database
    db.exec('CREATE TABLE filler (b BLOB)')
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 8}`)
    let full = false
    for (const size of [4000, 1000, 200, 20]) {
      try {
        for (;;) db.prepare('INSERT INTO filler VALUES (randomblob(?))').run(size)
      } catch (error) {
        expect((error as { code?: string }).code).toBe('SQLITE_FULL')
        full = true
      }
    }
    expect(full).toBe(true)
    const before = counts(store)

    const failedChat = await postChat(setup.app, { message: LONG_RU, sessionId: pending.json.sessionId })
    expect(failedChat.res.status).toBe(503)
    expect(failedChat.json.error.code).toBe('storage_unavailable')
    expect(failedChat.json.error.message).toMatch(/[а-я]/)

    const failedHandoff = await setup.app.request('/api/handoff', post({ sessionId: pending.json.sessionId, message: LONG_RU, contact: { name: 'Анна', phone: '+7 900 000-00-00' }, consent: true, lang: 'ru' }))
    expect(failedHandoff.status).toBe(503)
    const handoffError = ((await failedHandoff.json()) as { error: { code: string; message: string } }).error
    expect(handoffError.code).toBe('storage_unavailable')
    expect(handoffError.message).toMatch(/[а-я]/)

    const failedMessage = await setup.app.request(`/api/cases/${caseId}/messages`, post({ text: LONG_EN }, { 'x-access-code': accessCode }))
    expect(failedMessage.status).toBe(503)
    const messageError = ((await failedMessage.json()) as { error: { code: string; message: string } }).error
    expect(messageError.message).toMatch(/try again/i) // the case is in English
    expect((await setup.app.request('/readyz')).status).toBe(503)

    // Nothing half-written: no new session turn, case, message, contact or audit row; the file is intact.
    expect(counts(store)).toEqual(before)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    // Reading still works while full.
    expect((await setup.app.request(`/api/cases/${caseId}`, { headers: { 'x-access-code': accessCode } })).status).toBe(200)

    // Space returns: the same requests succeed, without a restart.
    db.pragma('max_page_count = 1073741823')
    expect((await setup.app.request('/readyz')).status).toBe(200)
    expect((await postChat(setup.app, { message: LONG_RU, sessionId: pending.json.sessionId })).res.status).toBe(200)
    expect((await setup.app.request(`/api/cases/${caseId}/messages`, post({ text: LONG_EN }, { 'x-access-code': accessCode }))).status).toBe(201)
    expect((await setup.app.request('/api/handoff', post({ sessionId: pending.json.sessionId, lang: 'ru' }))).status).toBe(201)
    store.close()
  })
})

describe('backup and restore', () => {
  it('backs up a live database with npm run backup, restores it into a fresh directory and reads every case back', async () => {
    const dataDir = tempDir()
    const file = join(dataDir, 'fabao.db')
    const store = new SqliteStore(file)
    const setup = testApp({}, { store })
    // The server's own secret file, as `npm start` makes it: the backup must carry it for codes to keep working.
    setup.mediation.keys = nodeCaseKeys(loadServerSecret(undefined, join(dataDir, 'secret.key')))

    const cases: { caseId: string; accessCode: string }[] = []
    const questions = ['在皮草店买的貂皮大衣是假的，商家不退款', 'Купила шубу, оказалась подделка, продавец не возвращает деньги', 'The tour guide forced us to shop and would not let us leave']
    for (let i = 0; i < 9; i++) {
      const chat = await postChat(setup.app, { message: questions[i % 3]! })
      const res = await setup.app.request('/api/handoff', post({ sessionId: chat.json.sessionId, message: `case ${i}`, contact: { name: `Tourist ${i}` }, consent: true }))
      expect(res.status).toBe(201)
      const created = (await res.json()) as { caseId: string; accessCode: string }
      cases.push(created)
      for (let m = 0; m < 3; m++) {
        const r = await setup.app.request(`/api/cases/${created.caseId}/messages`, post({ text: `message ${m} of case ${i}` }, { 'x-access-code': created.accessCode }))
        expect(r.status).toBe(201)
      }
    }
    expect(existsSync(`${file}-wal`)).toBe(true) // recent writes still sit in the WAL: the backup must include them

    // Writes go on while the backup runs (a live server).
    let writing = true
    let extra = 0
    const writer = (async () => {
      while (writing) {
        const k = cases[extra % cases.length]!
        await setup.app.request(`/api/cases/${k.caseId}/messages`, post({ text: `written during backup ${extra}` }, { 'x-access-code': k.accessCode }))
        extra++
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
    const dest = join(tempDir(), 'fabao-backup.db')
    const { stdout } = await run(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, 'src', 'cli', 'backup.ts'), dest], {
      cwd: REPO_ROOT,
      env: { ...process.env, FABAO_DATA_DIR: dataDir, FABAO_DB: '', FABAO_SECRET: '' },
    })
    writing = false
    await writer
    expect(stdout).toContain(dest)
    expect(extra).toBeGreaterThan(0)

    // Restore: stop nothing here (the source keeps running), put both files into a fresh directory, start on it.
    const fresh = tempDir()
    copyFileSync(dest, join(fresh, 'fabao.db'))
    copyFileSync(`${dest}.secret.key`, join(fresh, 'secret.key'))
    const config = readConfig({ FABAO_DATA_DIR: fresh })
    const restored = new SqliteStore(databaseFile(config))
    expect(restored.database.pragma('integrity_check', { simple: true })).toBe('ok')
    const { mediation } = mediationPorts(config, restored, testRuntime())
    for (const { caseId, accessCode } of cases) {
      const found = await openCaseByCode(mediation, accessCode)
      expect(found?.id).toBe(caseId)
      const original = await store.listMessages(caseId)
      const copy = await restored.listMessages(caseId)
      // Everything acknowledged before the backup started is there; what came later is a clean prefix.
      expect(copy.filter((m) => !m.text.startsWith('written during backup')).map((m) => m.text)).toEqual(
        original.filter((m) => !m.text.startsWith('written during backup')).map((m) => m.text),
      )
      expect(copy).toEqual(original.slice(0, copy.length))
      expect((await restored.getContact(caseId))?.details).toEqual((await store.getContact(caseId))?.details)
    }
    expect((await restored.listCases()).map((k) => k.id).sort()).toEqual(cases.map((k) => k.caseId).sort())
    restored.close()
    store.close()
  }, 60_000)
})
