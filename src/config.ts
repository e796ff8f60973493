import { z } from 'zod'
import { DEFAULT_SLA_POLICY, parseOfficeHours, type SlaPolicy } from './core/mediation/sla.js'
import { parseTrustedProxyList } from './http/client-address.js'

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
  /** Requests per minute per client address on /api/* (0 = unlimited); a tour group behind one Wi-Fi shares it. */
  FABAO_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  /** Requests per minute per client address on pages and assets (0 = unlimited). */
  FABAO_PAGE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Kiosk tokens, comma-separated (each 16–256 characters); a request with one in X-Kiosk-Token has the kiosk budget. */
  FABAO_KIOSK_TOKENS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((t) => t.trim()).filter(Boolean))
    .refine((tokens) => tokens.every((t) => t.length >= 16 && t.length <= 256 && !/\s/.test(t)), 'each token 16–256 characters, no spaces'),
  /** Requests per minute per kiosk on /api/* (0 = unlimited). */
  FABAO_KIOSK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Messages per minute per WeChat user (OpenID) (0 = unlimited). */
  FABAO_WECHAT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  /**
   * Believe X-Forwarded-For only from your own reverse proxy: `off`; `on` (the direct peer is the one proxy); or the
   * proxies' addresses / CIDRs, comma-separated (`10.0.0.5, 172.16.0.0/12`).
   */
  FABAO_TRUST_PROXY: z
    .string()
    .default('off')
    .transform((v, ctx): boolean | string[] => {
      const word = v.trim().toLowerCase()
      if (['off', 'false', '0'].includes(word)) return false
      if (['on', 'true', '1'].includes(word)) return true
      try {
        return parseTrustedProxyList(v)
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `expected off, on or addresses/CIDRs: ${(e as Error).message}` })
        return z.NEVER
      }
    }),
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
  /** WeChat Official Account: the Token entered in the WeChat admin console; unset = the channel is off. */
  WECHAT_TOKEN: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'expected the 3–32 letters and digits entered in the WeChat admin').optional(),
  /** The account's AppID (wx…): decrypted messages must name it; the customer-service API needs it. */
  WECHAT_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /** The AppSecret, for the access token of the customer-service API; unset = slow answers wait for WeChat's retry. */
  WECHAT_APP_SECRET: z.string().min(1).optional(),
  /** EncodingAESKey (43 letters and digits) for compatible and safe mode; unset = plain mode only. */
  WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'expected 43 letters and digits').optional(),
  /** Reply passively when the answer is ready within this many ms (WeChat waits 5 s), else via the customer-service API. */
  WECHAT_PASSIVE_BUDGET_MS: z.coerce.number().int().min(1).max(4800).default(4000),
  /** Base URL of the WeChat API (tests point it at a fake server). */
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  /** Signed requests whose timestamp is further than this from now are refused (replay). */
  WECHAT_REPLAY_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /**
   * Workers only. `on`: chat sessions and cases in D1 (stored by Cloudflare, outside mainland China). `off`: the Worker
   * answers questions and stores nothing; handing a dispute to a mediator is refused with a link to the central
   * Node server (FABAO_PUBLIC_URL), which keeps cases in China. The Node server always keeps cases.
   */
  FABAO_EDGE_CASES: flag.default(false),
  /** Seconds without a touch before the kiosk (/kiosk) clears the screen, storage and history; a countdown shows at the end. */
  FABAO_KIOSK_IDLE_SECONDS: z.coerce.number().int().min(10).max(3600).default(90),
  /** Origins allowed to frame /embed (the partner widget), space-separated, e.g. "https://hotel.example https://visit.example"; empty = none. */
  FABAO_EMBED_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(/\s+/).filter(Boolean))
    .refine((origins) => origins.every(isOrigin), 'expected space-separated origins like https://hotel.example (scheme, host, optional port; no path)'),
})
export type Config = z.infer<typeof ConfigSchema>

/** An origin as CSP frame-ancestors takes it: http(s), a host, an optional port, nothing else. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    const plainHost = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname) // no wildcards
    return (url.protocol === 'https:' || url.protocol === 'http:') && plainHost && url.origin === value.replace(/\/$/, '')
  } catch {
    return false
  }
}

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

export function slaPolicy(config: Config): SlaPolicy {
  return { ...DEFAULT_SLA_POLICY, officeHours: parseOfficeHours(config.FABAO_OFFICE_HOURS) }
}

