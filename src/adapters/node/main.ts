/** npm start — the embedded Node server. Every setting comes from environment variables (see README). */
import { serve } from '@hono/node-server'
import { readConfig } from '../../config.js'
import { createNodeService } from './service.js'

const config = readConfig(process.env)
const log = config.FABAO_ACCESS_LOG
  ? (line: Record<string, unknown>) => process.stdout.write(JSON.stringify({ t: new Date().toISOString(), ...line }) + '\n')
  : undefined
const started = Date.now()
const { app, runtime, sessions } = createNodeService(config, log)
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

const shutdown = (signal: string) => {
  console.log(JSON.stringify({ t: new Date().toISOString(), level: 'info', event: 'shutdown', signal }))
  server.close(() => {
    sessions.close()
    process.exit(0)
  })
  setTimeout(() => process.exit(0), 10_000).unref()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
