/**
 * npm run bench [-- --rounds N] — query latency, index load time and memory of keyword-only and hybrid retrieval,
 * measured in the same run so the ratio between them means something on a shared, noisy machine. Each mode runs in
 * its own child process (so RSS is its own); the parent prints the table and the hybrid / keyword ratios.
 *
 * Per mode: load time of the runtime (knowledge, keyword index from its cache, model, dense index), then every eval
 * question in its three languages through `retriever.retrieve` — one warm-up pass, then N timed rounds; p50/p95/p99
 * per query; RSS after the runs. Also "first answer": a fresh child that loads the runtime and answers one question
 * (the start-up cost a kiosk pays after a reboot, without the TypeScript loader).
 */
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConsultationRuntime, randomIds, systemClock, DEFAULT_MODEL_DIR } from '../adapters/node/consultation-runtime.js'
import { loadTransformersEmbedder } from '../adapters/node/transformers-embedder.js'
import { consult } from '../core/consultation/consult.js'
import { LANGS } from '../core/knowledge/schema.js'
import { MemorySessionStore } from '../core/ports.js'
import { loadEvalSet } from './eval-set.js'

type Mode = 'keyword' | 'hybrid'
interface ModeFigures {
  mode: Mode
  loadMs: number
  firstAnswerMs: number
  queries: number
  p50: number
  p95: number
  p99: number
  rssMb: number
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

async function measure(mode: Mode, rounds: number): Promise<ModeFigures> {
  const cacheDir = join(tmpdir(), 'fabao-bench-index-cache')
  const started = performance.now()
  const embedder = mode === 'hybrid' ? await loadTransformersEmbedder({ modelDir: DEFAULT_MODEL_DIR }) : undefined
  const runtime = loadConsultationRuntime({ cacheDir, retrieval: mode, ...(embedder ? { embedder } : {}) })
  const loadMs = performance.now() - started
  const deps = { ...runtime, sessions: new MemorySessionStore(), clock: systemClock, ids: randomIds }
  await consult(deps, { message: loadEvalSet()[0]!.questions.ru })
  const firstAnswerMs = performance.now() - started

  const questions = loadEvalSet().flatMap((item) => LANGS.map((lang) => ({ text: item.questions[lang], lang })))
  for (const q of questions) await runtime.retriever.retrieve(q.text, q.lang)
  const times: number[] = []
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t0 = performance.now()
      await runtime.retriever.retrieve(q.text, q.lang)
      times.push(performance.now() - t0)
    }
  }
  times.sort((a, b) => a - b)
  return {
    mode,
    loadMs,
    firstAnswerMs,
    queries: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    rssMb: process.memoryUsage().rss / 2 ** 20,
  }
}

function runChild(mode: Mode, rounds: number): ModeFigures {
  const self = fileURLToPath(import.meta.url)
  const result = spawnSync(process.execPath, [...process.execArgv, self, '--child', mode, '--rounds', String(rounds)], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  })
  if (result.status !== 0) throw new Error(`bench ${mode} failed:\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ModeFigures
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const rounds = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : 5)
  if (args.includes('--child')) {
    const mode = args[args.indexOf('--child') + 1] as Mode
    console.log(JSON.stringify(await measure(mode, rounds)))
    return
  }
  // Warm the keyword index cache so both modes read it instead of building it.
  runChild('keyword', 0)
  const keyword = runChild('keyword', rounds)
  const hybrid = runChild('hybrid', rounds)
  const f = (n: number) => n.toFixed(2).padStart(9)
  console.log(`bench ${new Date().toISOString().slice(0, 10)} — ${keyword.queries} queries per mode (${rounds} rounds of every eval question in zh/ru/en)`)
  console.log('mode        load ms  1st answer ms   p50 ms    p95 ms    p99 ms   RSS MB')
  for (const m of [keyword, hybrid]) {
    console.log(`${m.mode.padEnd(9)} ${f(m.loadMs)} ${f(m.firstAnswerMs)}    ${f(m.p50)} ${f(m.p95)} ${f(m.p99)} ${f(m.rssMb)}`)
  }
  const ratio = (a: number, b: number) => (a / b).toFixed(2).padStart(9)
  console.log(
    `hybrid/kw ${ratio(hybrid.loadMs, keyword.loadMs)} ${ratio(hybrid.firstAnswerMs, keyword.firstAnswerMs)}    ${ratio(hybrid.p50, keyword.p50)} ${ratio(hybrid.p95, keyword.p95)} ${ratio(hybrid.p99, keyword.p99)} ${ratio(hybrid.rssMb, keyword.rssMb)}`,
  )
}

await main()
