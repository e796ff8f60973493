/**
 * npm run load [-- --seconds 60 --connections 50] — starts the real server on 127.0.0.1 (a free port, a temporary
 * data directory, rate limits set to admit the test) and replays a realistic mix with autocannon: chat questions in
 * zh / ru / en from the evaluation set, tourists polling their case and writing in it with a valid access code, and
 * page and asset loads. Prints req/s, latency p50/p95/p99, status codes and errors. Exit 1 on any 5xx or transport
 * error. Never run in CI (it takes the whole machine for its duration).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { loadEvalSet } from './eval-set.js'
import { freePort, seededRandom, startServer, type ServerProcess } from './server-process.js'

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, connections: { type: 'string', default: '50' }, seed: { type: 'string' } },
})
const seconds = Number(args.seconds)
const connections = Number(args.connections)
if (!(seconds > 0 && seconds <= 600) || !(connections >= 1 && connections <= 1000)) {
  console.error('usage: npm run load -- [--seconds 1..600] [--connections 1..1000]')
  process.exit(2)
}
const seed = Number(args.seed ?? Math.floor(Math.random() * 2 ** 31))
const random = seededRandom(seed)
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!

const items = loadEvalSet().filter((i) => i.kind === 'retrieval')
const questions = items.flatMap((i) => [i.questions.zh, i.questions.ru, i.questions.en])

const dataDir = mkdtempSync(join(tmpdir(), 'fabao-load-'))
const sharedCache = join(tmpdir(), 'fabao-crash-index-cache')
mkdirSync(sharedCache, { recursive: true })
symlinkSync(sharedCache, join(dataDir, 'cache'))
const port = await freePort()

let server: ServerProcess | undefined
let failed = false
try {
  server = await startServer(
    {
      FABAO_DATA_DIR: dataDir,
      FABAO_DB: '',
      FABAO_SECRET: '',
      FABAO_ACCESS_LOG: 'off',
      // Everything comes from one address here: budgets high enough to admit the test, still switched on.
      FABAO_RATE_LIMIT_PER_MINUTE: '100000000',
      FABAO_PAGE_RATE_LIMIT_PER_MINUTE: '100000000',
    },
    port,
  )
  const base = server.base

  // Tourists with open cases: each has its code and polls and writes in its case during the run.
  const cases: { caseId: string; accessCode: string }[] = []
  for (let i = 0; i < 30; i++) {
    const chat = (await (await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: pick(questions) }) })).json()) as { sessionId: string }
    const res = await fetch(`${base}/api/handoff`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: chat.sessionId }) })
    cases.push((await res.json()) as { caseId: string; accessCode: string })
  }
  const pages = ['/', '/case', '/privacy', '/kiosk', '/mediator', '/assets/fabao.css', '/assets/case.js']

  const chat = (): autocannon.Request => ({
    method: 'POST',
    path: '/api/chat',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => ({ ...req, body: JSON.stringify({ message: pick(questions) }) }),
  })
  const poll = (): autocannon.Request => ({
    method: 'GET',
    path: '/api/cases/x',
    setupRequest: (req) => {
      const k = pick(cases)
      return { ...req, path: `/api/cases/${k.caseId}`, headers: { 'x-access-code': k.accessCode } }
    },
  })
  const write = (): autocannon.Request => ({
    method: 'POST',
    path: '/api/cases/x/messages',
    setupRequest: (req) => {
      const k = pick(cases)
      return {
        ...req,
        path: `/api/cases/${k.caseId}/messages`,
        headers: { 'content-type': 'application/json', 'x-access-code': k.accessCode },
        body: JSON.stringify({ text: pick(questions) }),
      }
    },
  })
  const page = (): autocannon.Request => ({ method: 'GET', path: '/', setupRequest: (req) => ({ ...req, path: pick(pages) }) })
  // Per connection, in a loop: 3 chats, 2 case polls, 1 case message, 2 page or asset loads.
  const requests = [page(), chat(), poll(), chat(), write(), page(), poll(), chat()]

  console.log(`load: ${connections} connections for ${seconds} s against ${base} (seed ${seed}); ${questions.length} questions in zh/ru/en, ${cases.length} open cases`)
  // Every response time, for exact percentiles (autocannon's own summary has p97.5 but no p95).
  const times: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: base, connections, duration: seconds, timeout: 30, requests }, (error, r) => (error ? reject(error) : resolve(r)))
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime))
  })
  times.sort((a, b) => a - b)
  const percentile = (p: number) => (times.length ? Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! * 10) / 10 : null)
  const codes = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => `${code}×${s.count ?? 0}`)
  const fivexx = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => Number(code) >= 500).reduce((n, [, s]) => n + (s.count ?? 0), 0)
  const summary = {
    date: new Date().toISOString().slice(0, 10),
    seconds,
    connections,
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average),
    latencyMs: { p50: percentile(50), p95: percentile(95), p99: percentile(99), max: result.latency.max },
    statusCodes: codes.join(' '),
    non2xx: result.non2xx,
    fivexx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
  console.log(
    `load: ${summary.requests} requests, ${summary.reqPerSec} req/s; latency p50 ${summary.latencyMs.p50} ms, p95 ${summary.latencyMs.p95} ms, ` +
      `p99 ${summary.latencyMs.p99} ms, max ${summary.latencyMs.max} ms; status ${summary.statusCodes}; ` +
      `5xx ${fivexx}, transport errors ${result.errors}, timeouts ${result.timeouts}`,
  )
  console.log(JSON.stringify(summary))
  failed = fivexx > 0 || result.errors > 0 || result.timeouts > 0
  // A graceful stop under the load just served: in-flight work drains, the database closes.
  server.child.kill('SIGTERM')
  const exit = await server.exited
  if (exit.code !== 0) {
    console.error(`load: graceful shutdown exited with ${exit.code ?? exit.signal}`)
    failed = true
  }
} catch (error) {
  console.error(`load: ${(error as Error).message}${server ? `\n${server.stderr()}` : ''}`)
  failed = true
} finally {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
}
console.log(failed ? 'load: FAILED (5xx, transport errors or timeouts)' : 'load: passed — no 5xx, no transport errors')
process.exit(failed ? 1 : 0)
