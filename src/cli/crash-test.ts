/**
 * npm run test:crash — starts the real server on a temporary data directory, writes chats, cases and case messages
 * from several clients at once, kills the server with SIGKILL at random moments, restarts it, and checks that every
 * write it acknowledged (a 2xx the client received) is still there, in order. Ends with a graceful SIGTERM and an
 * integrity check of the database. Bounded: CRASH_SECONDS (default 55). CRASH_SEED replays the kill schedule.
 * Exit 1 on any lost write.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { loadEvalSet } from './eval-set.js'
import { freePort, seededRandom, startServer, type ServerProcess } from './server-process.js'

const budgetMs = Number(process.env.CRASH_SECONDS ?? 55) * 1000
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
const random = seededRandom(seed)
const WRITERS = 6
const startedAt = Date.now()
const elapsed = () => ((Date.now() - startedAt) / 1000).toFixed(1)

const dataDir = mkdtempSync(join(tmpdir(), 'fabao-crash-'))
// The keyword index cache survives between runs, so each restart takes about a second, not a rebuild.
const sharedCache = join(tmpdir(), 'fabao-crash-index-cache')
mkdirSync(sharedCache, { recursive: true })
symlinkSync(sharedCache, join(dataDir, 'cache'))
const port = await freePort()
const env = {
  FABAO_DATA_DIR: dataDir,
  FABAO_DB: '',
  FABAO_SECRET: '',
  FABAO_ACCESS_LOG: 'off',
  FABAO_RATE_LIMIT_PER_MINUTE: '0',
  FABAO_PAGE_RATE_LIMIT_PER_MINUTE: '0',
  // Durability does not depend on the retriever; keyword retrieval keeps restarts fast (override to test hybrid).
  FABAO_RETRIEVAL: process.env.FABAO_RETRIEVAL ?? 'keyword',
}

interface AckedCase {
  code: string
  messages: string[]
}
const acked = { sessions: new Set<string>(), cases: new Map<string, AckedCase>() }
let sent = 0
let ackedWrites = 0
let unacknowledged = 0

const QUESTIONS = loadEvalSet()
  .filter((i) => i.kind === 'retrieval')
  .slice(0, 10)
  .flatMap((i) => [i.questions.zh, i.questions.ru, i.questions.en])

async function call(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  sent++
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const json = (await res.json()) as any
  if (res.status >= 500) throw new Error(`${path} → ${res.status} ${JSON.stringify(json)}`)
  return { status: res.status, json }
}

/** One client: chat, hand off, then write messages in its case, until the server dies. */
async function writer(base: string, id: string, stop: { killed: boolean }) {
  let n = 0
  try {
    while (!stop.killed) {
      const chat = await call(base, '/api/chat', { message: QUESTIONS[n % QUESTIONS.length] })
      if (chat.status !== 200) throw new Error(`chat → ${chat.status}`)
      acked.sessions.add(chat.json.sessionId)
      ackedWrites++
      const handoff = await call(base, '/api/handoff', { sessionId: chat.json.sessionId, message: `${id} handoff ${n}` })
      if (handoff.status !== 201) throw new Error(`handoff → ${handoff.status}`)
      const kase: AckedCase = { code: handoff.json.accessCode, messages: [] }
      acked.cases.set(handoff.json.caseId, kase)
      ackedWrites++
      for (let m = 0; m < 8 && !stop.killed; m++) {
        const text = `${id} case ${n} message ${m}`
        const res = await call(base, `/api/cases/${handoff.json.caseId}/messages`, { text }, { 'x-access-code': kase.code })
        if (res.status !== 201) throw new Error(`message → ${res.status}`)
        kase.messages.push(text)
        ackedWrites++
      }
      n++
    }
  } catch (error) {
    if (!stop.killed) throw error
    unacknowledged++ // the request in flight when the server died: it may or may not have been written
  }
}

/** Every acknowledged case opens with its code and holds its acknowledged messages, in order. */
async function verify(base: string): Promise<string[]> {
  const problems: string[] = []
  for (const [caseId, kase] of acked.cases) {
    const res = await fetch(`${base}/api/cases/${caseId}`, { headers: { 'x-access-code': kase.code } })
    if (res.status !== 200) {
      problems.push(`case ${caseId}: ${res.status}`)
      continue
    }
    const texts = ((await res.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)
    let at = 0
    for (const text of kase.messages) {
      at = texts.indexOf(text, at)
      if (at < 0) {
        problems.push(`case ${caseId}: lost "${text}"`)
        break
      }
    }
  }
  return problems
}

let server: ServerProcess | undefined
let rounds = 0
const problems: string[] = []
try {
  console.log(`crash test: seed ${seed} (replay with CRASH_SEED=${seed}), data in ${dataDir}, budget ${budgetMs / 1000} s`)
  while (Date.now() - startedAt < budgetMs - 12_000) {
    server = await startServer(env, port)
    problems.push(...(await verify(server.base)))
    if (problems.length) break
    const stop = { killed: false }
    const writers = Array.from({ length: WRITERS }, (_, i) => writer(server!.base, `r${rounds}w${i}`, stop))
    const killAfter = 300 + Math.floor(random() * 2200)
    await new Promise((r) => setTimeout(r, killAfter))
    stop.killed = true
    server.child.kill('SIGKILL')
    await server.exited
    await Promise.all(writers)
    rounds++
    console.log(`  ${elapsed()} s: round ${rounds} killed after ${killAfter} ms — ${acked.cases.size} cases, ${ackedWrites} acknowledged writes so far`)
  }
  if (!problems.length) {
    server = await startServer(env, port)
    problems.push(...(await verify(server.base)))
    server.child.kill('SIGTERM')
    const exit = await server.exited
    if (exit.code !== 0) problems.push(`graceful shutdown exited with ${exit.code ?? exit.signal}`)
    const db = new Database(join(dataDir, 'fabao.db'), { readonly: true })
    const integrity = db.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`)
    const hasSession = db.prepare('SELECT 1 FROM chat_sessions WHERE id = ?').pluck()
    for (const id of acked.sessions) if (!hasSession.get(id)) problems.push(`chat session ${id} lost`)
    db.close()
  }
} catch (error) {
  problems.push(`${(error as Error).message}${server ? `\n${server.stderr()}` : ''}`)
} finally {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
}

const messages = [...acked.cases.values()].reduce((n, k) => n + k.messages.length, 0)
console.log(
  `crash test: ${rounds} SIGKILLs in ${elapsed()} s; acknowledged and found again: ${acked.sessions.size} chats, ${acked.cases.size} cases, ${messages} messages ` +
    `(${ackedWrites} writes of ${sent} requests; ${unacknowledged} in flight at a kill); lost: ${problems.length}`,
)
if (problems.length) {
  console.error(problems.slice(0, 20).join('\n'))
  console.error(`data kept in ${dataDir}`)
  process.exit(1)
}
rmSync(dataDir, { recursive: true, force: true })
console.log('crash test: passed — every acknowledged write survived')
