/**
 * npm run bench:edge — the Worker's budgets, each next to the Node server measured in the same run:
 *
 * - sizes: the bundled Worker script (wrangler's own dry-run bundle; its gzip size is what the plan limit counts:
 *   3 MiB free, 10 MiB paid) and the static assets (25 MiB per file);
 * - CPU per chat request, cold (the isolate's first request: it loads knowledge, indexes and model) and warm, with
 *   process.cpuUsage() around the *bundled* handler imported into a fresh Node process (performance.now() does not
 *   advance inside workerd while code runs); the baseline is the Node server's own app (createNodeService) in
 *   another fresh process, cold = building the service plus its first answer;
 * - memory: JS heap + external (ArrayBuffers) the loaded service holds after GC, in both; and the smallest V8
 *   old-space limit under which the bundled Worker still loads and answers (its peak, loading included). workerd's
 *   own resident memory under `wrangler dev` is no measure of this: it grows by hundreds of MB with no memory
 *   pressure and varies run to run, so it is not reported.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { readConfig } from '../config.js'
import { buildEdgeAssets, EDGE_ASSETS_DIR } from '../build/edge-assets.js'
import { loadEvalSet } from './eval-set.js'
import { REPO_ROOT } from './paths.js'
import { QUIET_ENV, WRANGLER } from './wrangler-dev.js'

const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'edge', 'bundle')
const WARM_REQUESTS = 60

interface CpuFigures {
  coldCpuMs: number
  warmCpuMs: { p50: number; p95: number; mean: number }
  heapMb: number
}

const questions = () =>
  loadEvalSet()
    .filter((item) => item.split === 'dev')
    .flatMap((item) => (['zh', 'ru', 'en'] as const).map((lang) => ({ message: item.questions[lang], lang })))

const chatRequest = (q: { message: string; lang: string }) =>
  new Request('http://edge.test/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q) })

const cpuMs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

const heldMb = () => {
  ;(globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  return (m.heapUsed + m.external) / 2 ** 20
}

const summarise = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  return {
    p50: sorted[Math.floor(sorted.length / 2)]!,
    p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!,
    mean: times.reduce((a, b) => a + b, 0) / times.length,
  }
}

/** In a fresh process: `worker` imports the bundled Worker, `node` builds the Node server's app. */
async function measureChild(kind: 'worker' | 'node'): Promise<CpuFigures> {
  const before = heldMb()
  let handle: (request: Request) => Promise<Response>
  let coldStart: NodeJS.CpuUsage
  if (kind === 'worker') {
    const worker = (await import(pathToFileURL(join(BUNDLE_DIR, 'main.js')).href)).default as {
      fetch(request: Request, env: unknown, ctx: unknown): Promise<Response>
    }
    const env = {
      FABAO_ACCESS_LOG: 'off',
      FABAO_RATE_LIMIT_PER_MINUTE: '0',
      ASSETS: { fetch: async (request: Request) => new Response(readFileSync(join(EDGE_ASSETS_DIR, new URL(request.url).pathname.slice(1)))) },
    }
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} }
    coldStart = process.cpuUsage()
    handle = (request) => worker.fetch(request, env, ctx)
  } else {
    const { createNodeService } = await import('../adapters/node/service.js')
    // A server that has started once before reads its keyword index from the cache (the parent warms it).
    const dataDir = join(tmpdir(), 'fabao-edge-bench-node')
    coldStart = process.cpuUsage()
    const { app } = await createNodeService(
      readConfig({ FABAO_DATA_DIR: dataDir, FABAO_EMBEDDER: 'static', FABAO_RATE_LIMIT_PER_MINUTE: '0', FABAO_ACCESS_LOG: 'off' }),
    )
    handle = async (request) => app.fetch(request)
  }
  const qs = questions()
  const first = await handle(chatRequest(qs[0]!))
  if (first.status !== 200) throw new Error(`${kind}: first chat answered ${first.status}`)
  await first.text()
  const coldCpuMs = cpuMs(coldStart)
  const warm: number[] = []
  for (let i = 0; i < WARM_REQUESTS; i++) {
    const t = process.cpuUsage()
    const response = await handle(chatRequest(qs[(i + 1) % qs.length]!))
    await response.text()
    warm.push(cpuMs(t))
  }
  return { coldCpuMs, warmCpuMs: summarise(warm), heapMb: heldMb() - before }
}

function spawnChild(kind: 'worker' | 'node', heapLimitMb?: number) {
  const self = fileURLToPath(import.meta.url)
  const limit = heapLimitMb ? [`--max-old-space-size=${heapLimitMb}`] : []
  return spawnSync(process.execPath, ['--expose-gc', ...limit, ...process.execArgv, self, '--child', kind], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 })
}

function runChild(kind: 'worker' | 'node'): CpuFigures {
  const result = spawnChild(kind)
  if (result.status !== 0) throw new Error(`bench:edge ${kind} failed:\n${result.stderr}`)
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as CpuFigures
}

/** The smallest V8 old-space limit (MB, in steps of 8) under which the bundled Worker still loads and answers. */
function smallestHeapLimitMb(): number {
  let low = 32 // fails
  let high = 128
  if (spawnChild('worker', high).status !== 0) return Infinity
  while (high - low > 8) {
    const mid = Math.round((low + high) / 16) * 8
    if (spawnChild('worker', mid).status === 0) high = mid
    else low = mid
  }
  return high
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--child')) {
    console.log(JSON.stringify(await measureChild(args[args.indexOf('--child') + 1] as 'worker' | 'node')))
    process.exit(0)
  }
  const manifest = buildEdgeAssets(readConfig(process.env))
  rmSync(BUNDLE_DIR, { recursive: true, force: true })
  const dry = spawnSync(WRANGLER, ['deploy', '--dry-run', '--outdir', BUNDLE_DIR], { cwd: REPO_ROOT, env: QUIET_ENV, encoding: 'utf8' })
  if (dry.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${dry.stdout}\n${dry.stderr}`)
  const script = readFileSync(join(BUNDLE_DIR, 'main.js'))
  const wranglerSays = /Total Upload: ([\d.]+ KiB) \/ gzip: ([\d.]+ KiB)/.exec(dry.stdout)
  const assetBytes = Object.values(manifest.files)
  const largest = Object.entries(manifest.files).sort((a, b) => b[1] - a[1])[0]!

  runChild('node') // warms the Node server's keyword-index cache, as any start after the first finds it
  const node = runChild('node')
  const worker = runChild('worker')
  const heapLimit = smallestHeapLimitMb()

  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`
  const ms = (n: number) => n.toFixed(1).padStart(8)
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`.padStart(8)
  console.log(`bench:edge ${new Date().toISOString().slice(0, 10)} — knowledge ${manifest.knowledgeHash}, model ${manifest.modelId ?? 'none'}`)
  console.log(`script   ${mib(script.length)} raw, ${mib(gzipSync(script).length)} gzip (wrangler: ${wranglerSays ? `${wranglerSays[1]} / gzip ${wranglerSays[2]}` : 'n/a'}); limits 3 MiB free, 10 MiB paid`)
  console.log(`assets   ${assetBytes.length} files, ${mib(assetBytes.reduce((a, b) => a + b, 0))}; largest ${largest[0]} ${mib(largest[1])} (limit 25 MiB per file)`)
  console.log(`CPU per chat request (ms)   cold    warm p50  warm p95  warm mean   held MiB`)
  for (const [name, f] of [['node server', node], ['worker', worker]] as const) {
    console.log(`${name.padEnd(24)}${ms(f.coldCpuMs)}  ${ms(f.warmCpuMs.p50)}  ${ms(f.warmCpuMs.p95)}  ${ms(f.warmCpuMs.mean)}   ${ms(f.heapMb)}`)
  }
  console.log(
    `${'worker / node'.padEnd(24)}${ratio(worker.coldCpuMs, node.coldCpuMs)}  ${ratio(worker.warmCpuMs.p50, node.warmCpuMs.p50)}  ${ratio(worker.warmCpuMs.p95, node.warmCpuMs.p95)}  ${ratio(worker.warmCpuMs.mean, node.warmCpuMs.mean)}   ${ratio(worker.heapMb, node.heapMb)}`,
  )
  console.log(`worker heap: answers with V8 old space limited to ${heapLimit} MB (not at ${heapLimit - 8} MB), plus ${(worker.heapMb).toFixed(0)} MiB held after GC incl. ArrayBuffers; isolate limit 128 MB`)
}

await main()
