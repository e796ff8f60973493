import { z } from 'zod'
import { parseOfficeHours } from './core/mediation/sla.js'

const flag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1')

/**
 * Every setting of the service, read from environment variables once at start. Each has a default, so `npm start`
 * serves with no configuration. README lists them all.
 */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().min(1).default('0.0.0.0'),
  FABAO_DATA_DIR: z.string().min(1).default('./data'),
  /** SQLite database file; defaults to $FABAO_DATA_DIR/fabao.db. */
  FABAO_DB: z.string().min(1).optional(),
  /** Requests per minute per client on /api/* (0 = unlimited). */
  FABAO_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  /** Trust X-Forwarded-For for the client address (only behind your own reverse proxy). */
  FABAO_TRUST_PROXY: flag.default(false),
  /** One JSON line per request on stdout (request id, method, path, status, latency; never bodies). */
  FABAO_ACCESS_LOG: flag.default(true),
  /** Public base URL of the central server (case links, QR codes); https turns on Secure cookies. */
  FABAO_PUBLIC_URL: z.url().optional(),
  /** Keys access-code digests; default: a random key made once in $FABAO_DATA_DIR/secret.key. At least 32 characters. */
  FABAO_SECRET: z.string().min(32).optional(),
  /** Office hours in Beijing time, e.g. "Mon-Fri 09:00-18:00"; empty = SLA clocks run around the clock. */
  FABAO_OFFICE_HOURS: z.string().default('').refine((v) => {
    try {
      parseOfficeHours(v)
      return true
    } catch {
      return false
    }
  }, 'expected e.g. "Mon-Fri 09:00-18:00"'),
  /** Chats that never became a case are deleted after this many days. */
  FABAO_CHAT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  /** Personal data of closed cases is erased after this many days. */
  FABAO_CASE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** The people's mediation committee named on printed agreements; no default (printing says it is not configured). */
  FABAO_MEDIATION_COMMITTEE: z.string().min(1).optional(),
  /** The deployment's local offices (JSON, format in knowledge/contacts/local.example.json); default $FABAO_DATA_DIR/contacts.json if present. */
  FABAO_LOCAL_CONTACTS: z.string().min(1).optional(),
  /** `hybrid`: keyword + dense retrieval with local embeddings; `keyword`: keyword and situation topics only. */
  FABAO_RETRIEVAL: z.enum(['hybrid', 'keyword']).default('hybrid'),
  /** How the embedding model runs: `transformers` (transformers.js + onnxruntime) or `static` (pure JS; bundled model format only). */
  FABAO_EMBEDDER: z.enum(['transformers', 'static']).default('transformers'),
  /** A local feature-extraction model folder; default the bundled knowledge/model/fabao-static. Never downloaded. */
  FABAO_MODEL_DIR: z.string().min(1).optional(),
  /** Pooling, normalisation and prefixes of that model (default: its fabao.json, else mean / on / none). */
  FABAO_MODEL_POOLING: z.enum(['mean', 'cls']).optional(),
  FABAO_MODEL_NORMALIZE: flag.optional(),
  FABAO_MODEL_QUERY_PREFIX: z.string().optional(),
  FABAO_MODEL_PASSAGE_PREFIX: z.string().optional(),
  /** The dense index built with that model (`npm run index:build`); default knowledge/index/dense.bin. */
  FABAO_DENSE_INDEX: z.string().min(1).optional(),
  /** How long a mediator stays signed in. */
  FABAO_MEDIATOR_SESSION_HOURS: z.coerce.number().int().min(1).max(72).default(12),
})
export type Config = z.infer<typeof ConfigSchema>

export function readConfig(env: Record<string, string | undefined>): Config {
  const relevant = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  )
  const parsed = ConfigSchema.safeParse(relevant)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`invalid configuration — ${problems}`)
  }
  return parsed.data
}

export function databaseFile(config: Config): string {
  return config.FABAO_DB ?? `${config.FABAO_DATA_DIR.replace(/\/+$/, '')}/fabao.db`
}
