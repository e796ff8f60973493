import { z } from 'zod'

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
