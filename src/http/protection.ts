import type { Context, MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { ApiError } from './errors.js'
import type { RequestLimits } from './rate-limit.js'

/** Strict by default on every response; a page that needs otherwise (e.g. /embed's frame-ancestors) sets its own. */
export const DEFAULT_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/** nosniff, no referrer and a CSP on every response — API, pages, assets, errors and 404s alike. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next()
  c.header('X-Content-Type-Options', 'nosniff')
  if (!c.res.headers.has('Referrer-Policy')) c.header('Referrer-Policy', 'no-referrer')
  if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', DEFAULT_CONTENT_SECURITY_POLICY)
}

/** Headers the routes read, each bounded: anything longer or malformed counts as absent. */
export const RequestHeaders = {
  accessCode: z.string().max(64),
  kioskToken: z.string().min(16).max(256),
  acceptLanguage: z.string().max(512),
}

export function header<S extends z.ZodType<string>>(c: Context, name: string, schema: S): string | undefined {
  const parsed = schema.safeParse(c.req.header(name))
  return parsed.success ? parsed.data : undefined
}

/** Paths outside the per-address budget: health probes, and /wechat (budgeted per OpenID by its route). */
const UNMETERED = /^\/(healthz|readyz|wechat)(\/|$)/

/**
 * The per-client budget. A client is its address (from the adapter, which knows trusted proxies) or, with a valid
 * `X-Kiosk-Token`, the kiosk, which has its own larger budget on /api/*. Pages and assets have a separate budget.
 */
export function rateLimit(limits: RequestLimits, clientOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    if (UNMETERED.test(c.req.path)) return next()
    const kiosk = limits.kioskOf(header(c, 'x-kiosk-token', RequestHeaders.kioskToken))
    const api = c.req.path.startsWith('/api/')
    const now = limits.now()
    const wait = kiosk && api ? limits.kiosks.take(kiosk, now) : (api ? limits.api : limits.pages).take(kiosk ?? clientOf(c), now)
    if (wait > 0) throw new ApiError('rate_limited', undefined, { retryAfter: wait })
    await next()
  }
}

const CASE_PATH = /^\/api\/cases\/([^/]+)(?:\/|$)/

/**
 * Exponential backoff on access codes, per client and per case: POST /api/cases/open and every /api/cases/:caseId
 * route (X-Access-Code). A 404 there is a wrong code (or unknown case); a 2xx clears the client and the case. While
 * either waits, attempts are refused with 429 and Retry-After before the code is checked. The wait is capped, so
 * the real tourist gets in after it even while someone keeps guessing.
 */
export function accessCodeBackoff(limits: RequestLimits, clientOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    const match = CASE_PATH.exec(c.req.path)
    if (!match) return next()
    const caseKey = match[1] === 'open' ? null : `case:${decodeSafely(match[1]!).slice(0, 64)}`
    const client = `client:${limits.kioskOf(header(c, 'x-kiosk-token', RequestHeaders.kioskToken)) ?? clientOf(c)}`
    const now = limits.now()
    const wait = Math.max(limits.accessCodeClients.wait(client, now), caseKey ? limits.accessCodeCases.wait(caseKey, now) : 0)
    if (wait > 0) throw new ApiError('rate_limited', 'errors.too_many_attempts', { retryAfter: wait, seconds: wait })
    await next()
    const status = c.res.status
    if (status === 404) {
      limits.accessCodeClients.fail(client, now)
      if (caseKey) limits.accessCodeCases.fail(caseKey, now)
    } else if (status >= 200 && status < 300) {
      limits.accessCodeClients.succeed(client)
      if (caseKey) limits.accessCodeCases.succeed(caseKey)
    }
  }
}

/** Mediator sign-in: exponential backoff per account (the login named in the body) and per client. */
export function loginBackoff(limits: RequestLimits, clientOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next()
    const client = `client:${clientOf(c)}`
    const account = loginNamed(await c.req.text())
    const now = limits.now()
    const wait = Math.max(limits.loginClients.wait(client, now), account ? limits.loginAccounts.wait(account, now) : 0)
    if (wait > 0) throw new ApiError('rate_limited', 'errors.too_many_logins', { retryAfter: wait, seconds: wait })
    await next()
    if (c.res.status === 401) {
      limits.loginClients.fail(client, now)
      if (account) limits.loginAccounts.fail(account, now)
    } else if (c.res.status === 200) {
      limits.loginClients.succeed(client)
      if (account) limits.loginAccounts.succeed(account)
    }
  }
}

function loginNamed(raw: string): string | null {
  try {
    const login = (JSON.parse(raw) as { login?: unknown })?.login
    return typeof login === 'string' && login.length > 0 ? `account:${login.trim().toLowerCase().slice(0, 64)}` : null
  } catch {
    return null
  }
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
