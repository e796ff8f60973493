import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConsultationRuntime, type ConsultationRuntime } from '../../src/adapters/node/consultation-runtime.js'
import { nodeCaseKeys, nodeSessionTokens, scryptPasswords } from '../../src/adapters/node/secrets.js'
import { loadQuickReplies } from '../../src/adapters/node/service.js'
import { SqliteStore } from '../../src/adapters/node/sqlite-store.js'
import { loadWebAssets } from '../../src/adapters/node/web-assets.js'
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../src/core/mediation/sla.js'
import type { Store } from '../../src/core/mediation/store.js'
import type { Clock } from '../../src/core/ports.js'
import { createApp, type AppDeps } from '../../src/http/app.js'

let runtime: ConsultationRuntime | undefined

/** The real knowledge, analyzer, retriever and locales, loaded once per test file (index cached across files). */
export function testRuntime(): ConsultationRuntime {
  runtime ??= loadConsultationRuntime({ cacheDir: join(tmpdir(), 'fabao-test-index-cache') })
  return runtime
}

export const fixedClock = (iso = '2026-11-23T10:00:00Z'): Clock => ({ now: () => new Date(iso) })

/** A clock tests move by hand. */
export function steppingClock(iso = '2026-11-23T02:00:00Z') {
  let now = new Date(iso).getTime()
  return { now: () => new Date(now), advance: (minutes: number) => (now += minutes * 60_000) }
}

export const TEST_SECRET = Buffer.from('fabao-test-secret-of-at-least-32-bytes!!')

let counter = 0
export interface TestAppOptions {
  clock?: Clock
  /** Defaults to a fresh SQLite database in memory. */
  store?: Store
  sla?: SlaPolicy
}

export function testApp(overrides: Partial<AppDeps> = {}, options: TestAppOptions = {}) {
  const store = options.store ?? new SqliteStore(':memory:')
  const clock = options.clock ?? fixedClock()
  const rt = testRuntime()
  const mediation = { store, clock, keys: nodeCaseKeys(TEST_SECRET), knowledge: rt.knowledge }
  const accounts = { store, clock, passwords: scryptPasswords, tokens: nodeSessionTokens, sessionHours: 12 }
  const app = createApp({
    consultation: {
      ...rt,
      sessions: store,
      clock,
      ids: { sessionId: () => `test-session-${++counter}-abcdefghijklmnop` },
    },
    mediation: { mediation, accounts, sla: options.sla ?? DEFAULT_SLA_POLICY, quickReplies: loadQuickReplies(), secureCookies: false },
    pages: { assets: loadWebAssets(), committeeName: 'Test People\'s Mediation Committee', retention: { chatDays: 7, caseDays: 180 } },
    version: '0.0.0+test',
    rateLimitPerMinute: 0,
    ...overrides,
  })
  return { app, sessions: store, store, mediation, accounts }
}

export async function postChat(app: ReturnType<typeof testApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const res = await app.request('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { res, json: (await res.json()) as any }
}
