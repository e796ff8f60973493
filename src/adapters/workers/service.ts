import { Buffer } from 'node:buffer'
import type { Resource } from 'i18next'
import { readConfig, type Config } from '../../config.js'
import { appDepsFromConfig } from '../app-deps.js'
import { assembleConsultation, type ConsultationRuntime } from '../../core/consultation/runtime.js'
import { StaticEmbedder } from '../../core/embedding/static-embedder.js'
import type { KnowledgeBundle, LocalContact } from '../../core/knowledge/schema.js'
import type { AccountDeps } from '../../core/mediation/accounts.js'
import type { MediationDeps } from '../../core/mediation/mediation.js'
import type { Store } from '../../core/mediation/store.js'
import type { Clock, IdSource } from '../../core/ports.js'
import { DenseIndex } from '../../core/retrieval/dense-index.js'
import { KeywordIndex } from '../../core/retrieval/keyword-index.js'
import { createApp } from '../../http/app.js'
import type { QuickReply } from '../../http/mediator-routes.js'
import { nodeCaseKeys, nodeSessionTokens, scryptPasswords } from '../node-crypto/keys.js'
import type { WechatChannel } from '../wechat/channel.js'
import { wechatFromConfig } from '../wechat/runtime.js'
import { AnswerOnlyStore } from './answer-only-store.js'
import { D1Driver, type D1Database } from './d1-driver.js'
import { D1Store } from './d1-store.js'
import { EDGE_ASSET, EdgeManifestSchema, WebAssetFileSchema, type EdgeManifest } from './edge-assets.js'

/** The Worker's bindings (wrangler.toml): static assets, the D1 database, and vars and secrets as strings. */
export interface WorkerEnv {
  ASSETS: { fetch(request: Request): Promise<Response> }
  DB?: D1Database
  [name: string]: unknown
}

export interface WorkerService {
  app: ReturnType<typeof createApp>
  config: Config
  runtime: ConsultationRuntime
  manifest: EdgeManifest
  /** Set when cases are kept here (FABAO_EDGE_CASES=on): the scheduled retention runs over it. */
  mediation: MediationDeps | null
  wechat: WechatChannel | null
}

const systemClock: Clock = { now: () => new Date() }

/** 128 random bits, base64url, as on Node. */
const randomIds: IdSource = {
  sessionId: () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url'),
}

/** The vars and secrets among the bindings, for the one config schema (src/config.ts). */
function settingsOf(env: WorkerEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** Reads one prebuilt asset through the ASSETS binding; a missing one says to run the build. */
async function readAsset(env: WorkerEnv, name: string): Promise<Response> {
  const response = await env.ASSETS.fetch(new Request(`https://assets.invalid/${name}`))
  if (!response.ok) throw new Error(`edge asset ${name}: HTTP ${response.status} (run npm run edge:build before wrangler)`)
  return response
}

/**
 * Builds the service on Workers from its bindings: the same createApp as Node, with the prebuilt knowledge, indexes
 * and model read once per isolate, the pure-JS embedder (no onnxruntime on Workers), and D1 for chat sessions and
 * cases when FABAO_EDGE_CASES=on — otherwise nothing is stored and disputes are referred to the central server.
 */
export async function createWorkerService(env: WorkerEnv, logSink?: (line: Record<string, unknown>) => void): Promise<WorkerService> {
  const config = readConfig(settingsOf(env))
  const log = config.FABAO_ACCESS_LOG ? logSink : undefined
  const json = async (name: string): Promise<unknown> => (await readAsset(env, name)).json()
  const bytes = async (name: string) => new Uint8Array(await (await readAsset(env, name)).arrayBuffer())
  const manifest = EdgeManifestSchema.parse(await json(EDGE_ASSET.manifest))
  const dense = config.FABAO_RETRIEVAL === 'hybrid'
  if (dense && !manifest.modelId) throw new Error('the edge assets were built without a model (FABAO_RETRIEVAL=keyword at build time)')
  const [bundle, keywordIndex, resources, web, quickReplies, localContacts, model] = await Promise.all([
    json(EDGE_ASSET.knowledge) as Promise<KnowledgeBundle>,
    readAsset(env, EDGE_ASSET.keywordIndex).then((r) => r.text()),
    json(EDGE_ASSET.locales) as Promise<Resource>,
    json(EDGE_ASSET.web).then((data) => WebAssetFileSchema.parse(data)),
    json(EDGE_ASSET.quickReplies) as Promise<QuickReply[]>,
    json(EDGE_ASSET.localContacts) as Promise<LocalContact[]>,
    // Raw for now: parsed only after the keyword index is built (the isolate's memory peak).
    dense
      ? Promise.all([
          readAsset(env, EDGE_ASSET.modelTokenizer).then((r) => r.text()),
          json(EDGE_ASSET.modelTokenizerConfig),
          json(EDGE_ASSET.modelMeta),
          bytes(EDGE_ASSET.modelMatrix),
          bytes(EDGE_ASSET.denseIndex),
        ])
      : null,
  ])
  if (bundle.hash !== manifest.knowledgeHash) throw new Error(`edge assets disagree: knowledge ${bundle.hash}, manifest ${manifest.knowledgeHash}`)
  const runtime = assembleConsultation({
    bundle,
    resources,
    keywordIndex: (knowledge, analyzer) => KeywordIndex.load(keywordIndex, knowledge, analyzer),
    ...(model
      ? {
          dense: () => ({
            embedder: new StaticEmbedder({ tokenizer: JSON.parse(model[0]), tokenizerConfig: model[1], meta: model[2], matrix: model[3] }),
            index: DenseIndex.decode(model[4]),
          }),
        }
      : {}),
  })

  let store: Store
  let secret: Buffer
  if (config.FABAO_EDGE_CASES) {
    if (!env.DB) throw new Error('FABAO_EDGE_CASES=on needs the D1 binding DB (wrangler.toml [[d1_databases]])')
    if (!config.FABAO_SECRET) throw new Error('FABAO_EDGE_CASES=on needs FABAO_SECRET (wrangler secret put FABAO_SECRET); it keys access codes')
    store = new D1Store(env.DB)
    secret = Buffer.from(config.FABAO_SECRET, 'utf8')
  } else {
    store = new AnswerOnlyStore()
    secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))) // no case is ever keyed with it
  }
  const mediation: MediationDeps = { store, clock: systemClock, keys: nodeCaseKeys(secret), knowledge: runtime.knowledge }
  const accounts: AccountDeps = {
    store,
    clock: systemClock,
    passwords: scryptPasswords,
    tokens: nodeSessionTokens,
    sessionHours: config.FABAO_MEDIATOR_SESSION_HOURS,
  }
  const consultation = { ...runtime, sessions: store, clock: systemClock, ids: randomIds, localContacts }
  // WeChat keeps its deduplication and answers in the database, so it needs D1 too.
  const wechat =
    config.FABAO_EDGE_CASES && env.DB
      ? wechatFromConfig(config, { consultation, mediation, sql: new D1Driver(env.DB), ...(log ? { log } : {}) })
      : undefined
  const webAssets = new Map(Object.entries(web))
  const db = env.DB
  const app = createApp(
    appDepsFromConfig(config, {
      consultation,
      mediation,
      accounts,
      wechat,
      assets: { get: (name) => webAssets.get(name) },
      quickReplies,
      version: `${manifest.version}+${bundle.hash}`,
      // Cloudflare sets CF-Connecting-IP to the visitor's address; a client cannot set it. The budgets are per isolate.
      clientKey: (c) => c.req.header('cf-connecting-ip') ?? 'anonymous',
      ...(config.FABAO_EDGE_CASES && db
        ? { storageWritable: async () => (await db.prepare('SELECT 1 AS ok').first<{ ok: number }>())?.ok === 1 }
        : { casesElsewhere: { centralUrl: config.FABAO_PUBLIC_URL } }),
      ...(log ? { log } : {}),
    }),
  )
  return { app, config, runtime, manifest, mediation: config.FABAO_EDGE_CASES ? mediation : null, wechat: wechat?.channel ?? null }
}
