/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the same HTTP app as the Node server, built once per isolate
 * from the prebuilt assets (npm run edge:build) and the bindings. `scheduled` applies the retention periods hourly
 * (wrangler.toml [triggers]) when cases are kept here.
 */
import type { ExecutionContext } from 'hono'
import { applyRetention } from '../../core/mediation/mediation.js'
import { createWorkerService, type WorkerEnv, type WorkerService } from './service.js'


const logLine = (line: Record<string, unknown>) => console.log(JSON.stringify({ t: new Date().toISOString(), ...line }))

let service: Promise<WorkerService> | undefined

/** The isolate's service; a failed start is retried by the next request rather than cached. */
function serviceFor(env: WorkerEnv): Promise<WorkerService> {
  service ??= createWorkerService(env, logLine).catch((error: Error) => {
    service = undefined
    logLine({ level: 'error', event: 'start', error: error.name, detail: error.message })
    throw error
  })
  return service
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let running: WorkerService
    try {
      running = await serviceFor(env)
    } catch {
      // Without knowledge and locales there is nothing to answer with, not even a translated error: the log says why.
      return Response.json({ error: { code: 'internal' } }, { status: 503, headers: { 'Retry-After': '30' } })
    }
    const response = await running.app.fetch(request, env, ctx)
    // WeChat answers that missed the 5-second window go out through the customer-service API after the response.
    if (running.wechat) ctx.waitUntil(running.wechat.idle())
    return response
  },

  async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const running = await serviceFor(env)
    if (!running.mediation) return
    const { mediation, wechat, config } = running
    ctx.waitUntil(
      applyRetention(mediation, { chatDays: config.FABAO_CHAT_RETENTION_DAYS, caseDays: config.FABAO_CASE_RETENTION_DAYS })
        .then(async (r) => logLine({ level: 'info', event: 'retention', ...r, wechat: (await wechat?.applyRetention(config.FABAO_CHAT_RETENTION_DAYS)) ?? null }))
        .catch((e: Error) => logLine({ level: 'error', event: 'retention', error: e.name })),
    )
  },
}
