import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { databaseFile, type Config } from '../../config.js'
import { createApp } from '../../http/app.js'
import { loadConsultationRuntime, randomIds, REPO_ROOT, systemClock } from './consultation-runtime.js'
import { SqliteSessionStore } from './sqlite-session-store.js'

export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version

/** The client address for rate limiting: the socket peer, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(trustProxy: boolean) {
  return (c: Context): string => {
    if (trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
      if (forwarded) return forwarded
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown'
    } catch {
      return 'unknown'
    }
  }
}

/** Builds the whole Node service from configuration: knowledge, retrieval, sessions, HTTP app. */
export function createNodeService(config: Config, log?: (line: Record<string, unknown>) => void) {
  const dataDir = resolve(config.FABAO_DATA_DIR)
  const runtime = loadConsultationRuntime({ cacheDir: join(dataDir, 'cache') })
  const sessions = new SqliteSessionStore(resolve(databaseFile(config)))
  const app = createApp({
    consultation: { ...runtime, sessions, clock: systemClock, ids: randomIds },
    version: `${PACKAGE_VERSION}+${runtime.knowledge.hash}`,
    rateLimitPerMinute: config.FABAO_RATE_LIMIT_PER_MINUTE,
    clientKey: clientAddress(config.FABAO_TRUST_PROXY),
    ...(log ? { log } : {}),
  })
  return { app, runtime, sessions }
}
