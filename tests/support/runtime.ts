import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConsultationRuntime, type ConsultationRuntime } from '../../src/adapters/node/consultation-runtime.js'
import { MemorySessionStore, type Clock } from '../../src/core/ports.js'
import { createApp, type AppDeps } from '../../src/http/app.js'

let runtime: ConsultationRuntime | undefined

/** The real knowledge, analyzer, retriever and locales, loaded once per test file (index cached across files). */
export function testRuntime(): ConsultationRuntime {
  runtime ??= loadConsultationRuntime({ cacheDir: join(tmpdir(), 'fabao-test-index-cache') })
  return runtime
}

export const fixedClock = (iso = '2026-11-23T10:00:00Z'): Clock => ({ now: () => new Date(iso) })

let counter = 0
export function testApp(overrides: Partial<AppDeps> = {}, options: { clock?: Clock } = {}) {
  const sessions = new MemorySessionStore()
  const app = createApp({
    consultation: {
      ...testRuntime(),
      sessions,
      clock: options.clock ?? fixedClock(),
      ids: { sessionId: () => `test-session-${++counter}-abcdefghijklmnop` },
    },
    version: '0.0.0+test',
    rateLimitPerMinute: 0,
    ...overrides,
  })
  return { app, sessions }
}

export async function postChat(app: ReturnType<typeof testApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const res = await app.request('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { res, json: (await res.json()) as any }
}
