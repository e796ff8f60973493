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
const { app, runtime, store, mediation } = createNodeService(config, log)
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  console.log(
    JSON.stringify({
      t: new Date().toISOString(),
      level: 'info',
      event: 'listening',
      address: `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${info.port}`,
      laws: runtime.knowledge.laws.size,
      articles: runtime.knowledge.articleCount,
      startMs: Date.now() - started,
    }),
  )
})

// Retention: chats that never became a case, and personal data of closed cases — at start, then hourly.
const retain = () =>
  applyRetention(mediation, { chatDays: config.FABAO_CHAT_RETENTION_DAYS, caseDays: config.FABAO_CASE_RETENTION_DAYS })
    .then((r) => console.log(JSON.stringify({ t: new Date().toISOString(), level: 'info', event: 'retention', ...r })))
    .catch((e: Error) => console.log(JSON.stringify({ t: new Date().toISOString(), level: 'error', event: 'retention', error: e.name })))
void retain()
setInterval(retain, 3_600_000).unref()

const shutdown = (signal: string) => {
  console.log(JSON.stringify({ t: new Date().toISOString(), level: 'info', event: 'shutdown', signal }))
  server.close(() => {
    store.close()
    process.exit(0)
  })
  setTimeout(() => process.exit(0), 10_000).unref()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
