import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { z } from 'zod'
import { databaseFile, type Config } from '../../config.js'
import { appDepsFromConfig } from '../app-deps.js'
import type { AccountDeps } from '../../core/mediation/accounts.js'
import type { MediationDeps } from '../../core/mediation/mediation.js'
import type { Clock } from '../../core/ports.js'
import { createApp } from '../../http/app.js'
import { clientAddressResolver, type TrustedProxies } from '../../http/client-address.js'
import type { QuickReply } from '../../http/mediator-routes.js'
import { loadConsultationRuntime, randomIds, REPO_ROOT, systemClock, type ConsultationRuntime } from './consultation-runtime.js'
import { loadConfiguredEmbedder, retrievalOptions } from './embedding-runtime.js'
import { loadLocalContacts } from './local-contacts-file.js'
import { loadServerSecret, nodeCaseKeys, nodeSessionTokens, scryptPasswords } from './secrets.js'
import { BetterSqliteDriver, SqliteStore } from './sqlite-store.js'
import { sqliteWritable } from './storage-probe.js'
import { loadWebAssets } from './web-assets.js'
import { centralReachability } from './central-status.js'
import { wechatFromConfig } from '../wechat/runtime.js'

export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version

const QuickRepliesSchema = z.object({
  phrases: z.array(z.object({ id: z.string().min(1), zh: z.string().min(1), ru: z.string().min(1), en: z.string().min(1) })).min(1),
})

export function loadQuickReplies(): QuickReply[] {
  return QuickRepliesSchema.parse(JSON.parse(readFileSync(join(REPO_ROOT, 'knowledge', 'mediation', 'quick-replies.json'), 'utf8'))).phrases
}

/** The client address for rate limiting: the socket peer, or X-Forwarded-For read from the right behind trusted proxies. */
export function clientAddress(trustProxy: TrustedProxies) {
  const resolve = clientAddressResolver(trustProxy)
  return (c: Context): string => {
    let peer: string | undefined
    try {
      peer = getConnInfo(c).remote.address
    } catch {
      peer = undefined
    }
    return resolve(peer, c.req.header('x-forwarded-for'))
  }
}

/** The mediation and account ports over one store (also used by the CLI commands). */
export function mediationPorts(config: Config, store: SqliteStore, runtime: Pick<ConsultationRuntime, 'knowledge'>, clock: Clock = systemClock) {
  const secret = loadServerSecret(config.FABAO_SECRET, join(resolve(config.FABAO_DATA_DIR), 'secret.key'))
  const mediation: MediationDeps = { store, clock, keys: nodeCaseKeys(secret), knowledge: runtime.knowledge }
  const accounts: AccountDeps = {
    store,
    clock,
    passwords: scryptPasswords,
    tokens: nodeSessionTokens,
    sessionHours: config.FABAO_MEDIATOR_SESSION_HOURS,
  }
  return { mediation, accounts }
}

/**
 * Builds the whole Node service from configuration: knowledge, retrieval (the embedding model and dense index for
 * hybrid retrieval), store, HTTP app.
 */
export async function createNodeService(config: Config, log?: (line: Record<string, unknown>) => void, draining?: () => boolean) {
  const dataDir = resolve(config.FABAO_DATA_DIR)
  const localContacts = loadLocalContacts(config)
  const embedder = await loadConfiguredEmbedder(config)
  const runtime = loadConsultationRuntime({ cacheDir: join(dataDir, 'cache'), ...retrievalOptions(config, embedder) })
  const store = new SqliteStore(resolve(databaseFile(config)))
  const { mediation, accounts } = mediationPorts(config, store, runtime)
  const consultation = { ...runtime, sessions: store, clock: systemClock, ids: randomIds, localContacts }
  const wechat = wechatFromConfig(config, { consultation, mediation, sql: new BetterSqliteDriver(store.database), ...(log ? { log } : {}) })
  const app = createApp(
    appDepsFromConfig(config, {
      consultation,
      mediation,
      accounts,
      wechat,
      assets: loadWebAssets(),
      quickReplies: loadQuickReplies(),
      centralReachable: centralReachability(config.FABAO_PUBLIC_URL),
      version: `${PACKAGE_VERSION}+${runtime.knowledge.hash}`,
      clientKey: clientAddress(config.FABAO_TRUST_PROXY),
      storageWritable: sqliteWritable(store.database, resolve(databaseFile(config))),
      ...(draining ? { draining } : {}),
      ...(log ? { log } : {}),
    }),
  )
  return { app, runtime, store, mediation, wechat: wechat?.channel }
}
