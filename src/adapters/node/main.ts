/** npm start — the embedded Node server. Every setting comes from environment variables (see README). */
import { serve } from '@hono/node-server'
import { readConfig } from '../../config.js'
import { applyRetention } from '../../core/mediation/mediation.js'
import { createNodeService } from './service.js'

const config = readConfig(process.env)
const log = config.FABAO_ACCESS_LOG
  ? (line: Record<string, unknown>) => process.stdout.write(JSON.stringify({ t: new Date().toISOString(), ...line }) + '\n')
  : undefined
const started = Date.now()
let draining = false
const { app, runtime, store, mediation, wechat } = await createNodeService(config, log, () => draining)
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  console.log(
    JSON.stringify({
      t: new Date().toISOString(),
      level: 'info',
      event: 'listening',
      address: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${info.port}`,
      laws: runtime.knowledge.laws.size,
      articles: runtime.knowledge.articleCount,
      retrieval: runtime.hybrid ? `hybrid (${runtime.hybrid.embedder.modelId})` : 'keyword',
      startMs: Date.now() - started,
    }),
  )
})

// Retention: chats that never became a case, personal data of closed cases, and the WeChat channel's expired full
// answers, day-old message records and idle users — at start, then hourly.
const retain = () =>
  applyRetention(mediation, { chatDays: config.FABAO_CHAT_RETENTION_DAYS, caseDays: config.FABAO_CASE_RETENTION_DAYS })
    .then(async (r) => ({ ...r, wechat: (await wechat?.applyRetention(config.FABAO_CHAT_RETENTION_DAYS)) ?? null }))
    .then((r) => console.log(JSON.stringify({ t: new Date().toISOString(), level: 'info', event: 'retention', ...r })))
    .catch((e: Error) => console.log(JSON.stringify({ t: new Date().toISOString(), level: 'error', event: 'retention', error: e.name })))
void retain()
setInterval(retain, 3_600_000).unref()

// Graceful shutdown: stop accepting, let in-flight requests finish (idle keep-alive connections are closed as they
// fall idle), then close the database. After 10 s the remaining connections are cut; every acknowledged write is
// already committed (WAL, synchronous=FULL), so nothing acknowledged is lost either way.
const shutdown = (signal: string) => {
  if (draining) return
  draining = true
  console.log(JSON.stringify({ t: new Date().toISOString(), level: 'info', event: 'shutdown', signal }))
  const http = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void }
  const idle = setInterval(() => http.closeIdleConnections?.(), 100)
  const finish = (code: number) => {
    clearInterval(idle)
    try {
      store.close()
    } catch {
      // already closed
    }
    console.log(JSON.stringify({ t: new Date().toISOString(), level: 'info', event: 'stopped', drained: code === 0 }))
    process.exit(code)
  }
  server.close(() => finish(0))
  setTimeout(() => {
    http.closeAllConnections?.()
    finish(1)
  }, 10_000).unref()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
