import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteStore as SqliteSessionStore } from '../src/adapters/node/sqlite-store.js'
import { MemorySessionStore, type ChatSession, type SessionStore } from '../src/core/ports.js'
import { postChat, testApp } from './support/runtime.js'

const dirs: string[] = []
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabao-db-'))
  dirs.push(dir)
  return join(dir, 'nested', 'fabao.db')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const session = (id: string): ChatSession => ({
  id,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  lang: 'ru',
  turns: [{ at: '2026-11-23T10:00:00.000Z', question: 'шуба подделка, ёлки', lang: 'ru', confidence: 'high', citations: ['consumer-rights-protection-law:55'] }],
})

describe.each([
  ['memory', () => new MemorySessionStore() as SessionStore],
  ['sqlite', () => new SqliteSessionStore(tempDb()) as SessionStore],
])('SessionStore contract (%s)', (_name, makeStore) => {
  it('returns null for an unknown session and reads back what it saved, turns in order', async () => {
    const store = makeStore()
    expect(await store.getSession('nope')).toBeNull()
    const s = session('s1')
    await store.saveSession(s)
    s.turns.push({ at: '2026-11-23T10:01:00.000Z', question: 'and then?', lang: 'en', confidence: 'none', citations: [] })
    s.updatedAt = '2026-11-23T10:01:00.000Z'
    s.lang = 'en'
    await store.saveSession(s)
    expect(await store.getSession('s1')).toEqual(s)
  })
})

describe('SqliteSessionStore', () => {
  it('keeps every acknowledged turn across a restart', async () => {
    const file = tempDb()
    const first = new SqliteSessionStore(file)
    await first.saveSession(session('kept'))
    first.close()
    const second = new SqliteSessionStore(file)
    expect(await second.getSession('kept')).toEqual(session('kept'))
    expect(second.database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(second.database.pragma('synchronous', { simple: true })).toBe(2)
    second.close()
  })

  it('remembers the previous answer across a server restart (low-confidence handoff)', async () => {
    const file = tempDb()
    const appOn = (store: SqliteSessionStore) => testApp({}, { store }).app
    const store1 = new SqliteSessionStore(file)
    const first = await postChat(appOn(store1), { message: 'What is the weather tomorrow?' })
    store1.close()
    const store2 = new SqliteSessionStore(file)
    const second = await postChat(appOn(store2), { message: 'Tell me a joke', sessionId: first.json.sessionId })
    expect(second.json.sessionId).toBe(first.json.sessionId)
    expect(second.json.handoff.reason).toBe('low-confidence')
    store2.close()
  })

  it('answers 503 storage_unavailable when the disk is full, and keeps what was written before', async () => {
    const file = tempDb()
    const store = new SqliteSessionStore(file)
    const { app } = testApp({}, { store })
    const ok = await postChat(app, { message: 'шуба подделка' })
    expect(ok.res.status).toBe(200)
    const pages = store.database.pragma('page_count', { simple: true }) as number
    store.database.pragma(`max_page_count = ${pages}`)
    let full: Awaited<ReturnType<typeof postChat>> | undefined
    for (let i = 0; i < 50 && !full; i++) {
      const r = await postChat(app, { message: `Купила шубу номер ${i} ${'очень длинный текст '.repeat(80)}` })
      if (r.res.status !== 200) full = r
    }
    expect(full?.res.status).toBe(503)
    expect(full?.json.error.code).toBe('storage_unavailable')
    expect(full?.json.error.message).toMatch(/[а-я]/)
    expect(await store.getSession(ok.json.sessionId)).not.toBeNull()
    store.close()
  })
})
