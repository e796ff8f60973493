import type { Context } from 'hono'

/**
 * Request budgets and attempt backoff, in memory and bounded. Every map here drops its oldest entries when it holds
 * more than `maxKeys`, so a flood of spoofed addresses, case ids or logins cannot exhaust memory (a dropped entry
 * only forgets a budget, it never locks anyone out).
 */

/** Deletes the oldest entries (insertion order) until the map holds at most `max`. */
function bound<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next()
    if (oldest.done) return
    map.delete(oldest.value)
  }
}

/** A fixed-window request budget per client key. `take` returns the seconds to wait, or 0 when allowed. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly limitPerWindow: number,
    private readonly windowMs = 60_000,
    private readonly maxClients = 100_000,
  ) {}

  /** Counts one request; returns the seconds to wait when over budget, or 0 when allowed. */
  take(key: string, nowMs: number): number {
    if (this.limitPerWindow <= 0) return 0
    let window = this.windows.get(key)
    if (!window || nowMs - window.start >= this.windowMs) {
      this.windows.delete(key)
      window = { start: nowMs, count: 0 }
      this.windows.set(key, window)
      bound(this.windows, this.maxClients)
    }
    window.count++
    if (window.count <= this.limitPerWindow) return 0
    return Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000))
  }

  get size(): number {
    return this.windows.size
  }
}

export interface BackoffPolicy {
  /** Failures allowed before any wait (a tourist mistyping a digit or two never waits). */
  freeFailures: number
  /** The first wait, in seconds; it doubles with every further failure … */
  baseSeconds: number
  /** … up to this cap: never a permanent lock, the real owner always gets in after at most this wait. */
  maxSeconds: number
  /** Failures are forgotten this long after the last one. */
  forgetAfterSeconds: number
}

/** Access codes: 5 free tries, then 2 s, 4 s, 8 s … at most 5 minutes; forgotten after an hour of quiet. */
export const ACCESS_CODE_BACKOFF: BackoffPolicy = { freeFailures: 5, baseSeconds: 2, maxSeconds: 300, forgetAfterSeconds: 3600 }
/** Mediator sign-in: 5 free tries, then 2 s doubling up to 15 minutes; forgotten after an hour of quiet. */
export const LOGIN_BACKOFF: BackoffPolicy = { freeFailures: 5, baseSeconds: 2, maxSeconds: 900, forgetAfterSeconds: 3600 }

/**
 * Exponential backoff on failed attempts per key (a client, a case, an account). While a key waits, attempts are
 * refused without being checked, so guessing gains nothing; a success clears the key.
 */
export class AttemptBackoff {
  private readonly failures = new Map<string, { count: number; last: number; until: number }>()

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds `key` must still wait before its next attempt is checked; 0 when it may try now. */
  wait(key: string, nowMs: number): number {
    const entry = this.live(key, nowMs)
    return entry && entry.until > nowMs ? Math.ceil((entry.until - nowMs) / 1000) : 0
  }

  /** Records a failed attempt; returns the seconds until the next attempt is checked (0 while failures are free). */
  fail(key: string, nowMs: number): number {
    const entry = this.live(key, nowMs) ?? { count: 0, last: nowMs, until: 0 }
    entry.count++
    entry.last = nowMs
    const over = entry.count - this.policy.freeFailures
    const seconds = over > 0 ? Math.min(this.policy.maxSeconds, this.policy.baseSeconds * 2 ** Math.min(over - 1, 30)) : 0
    entry.until = nowMs + seconds * 1000
    this.failures.delete(key)
    this.failures.set(key, entry) // most recent last, so the bound drops the stalest keys
    bound(this.failures, this.maxKeys)
    return seconds
  }

  succeed(key: string): void {
    this.failures.delete(key)
  }

  get size(): number {
    return this.failures.size
  }

  private live(key: string, nowMs: number) {
    const entry = this.failures.get(key)
    if (entry && nowMs - entry.last > this.policy.forgetAfterSeconds * 1000) {
      this.failures.delete(key)
      return undefined
    }
    return entry
  }
}

export interface RateLimitSettings {
  /** Requests per minute per client (address or kiosk) on /api/*; 0 = unlimited. */
  apiPerMinute: number
  /** Requests per minute per client on pages and assets; 0 = unlimited. */
  pagePerMinute: number
  /** Requests per minute per kiosk (a valid `X-Kiosk-Token`) on /api/*; 0 = unlimited. */
  kioskPerMinute: number
  /** Messages per minute per WeChat OpenID (see `takeOpenIdBudget`); 0 = unlimited. */
  openIdPerMinute: number
  /** The kiosk tokens (FABAO_KIOSK_TOKENS). */
  kioskTokens: readonly string[]
}

/** The header a kiosk page sends with every request so the kiosk gets its own budget instead of its address's. */
export const KIOSK_TOKEN_HEADER = 'X-Kiosk-Token'

/** All the in-memory limiters of one app instance. */
export class RequestLimits {
  readonly api: RateLimiter
  readonly pages: RateLimiter
  readonly kiosks: RateLimiter
  readonly openIds: RateLimiter
  readonly accessCodeClients = new AttemptBackoff(ACCESS_CODE_BACKOFF)
  readonly accessCodeCases = new AttemptBackoff(ACCESS_CODE_BACKOFF)
  readonly loginClients = new AttemptBackoff(LOGIN_BACKOFF)
  readonly loginAccounts = new AttemptBackoff(LOGIN_BACKOFF)
  private readonly kioskIds: Map<string, string>

  constructor(settings: RateLimitSettings, private readonly nowMs: () => number) {
    this.api = new RateLimiter(settings.apiPerMinute)
    this.pages = new RateLimiter(settings.pagePerMinute)
    this.kiosks = new RateLimiter(settings.kioskPerMinute, 60_000, 10_000)
    this.openIds = new RateLimiter(settings.openIdPerMinute)
    // A kiosk is named by its position in the list, so its token never reaches a log or a map key.
    this.kioskIds = new Map(settings.kioskTokens.map((token, i) => [token, `kiosk-${i + 1}`]))
  }

  now(): number {
    return this.nowMs()
  }

  /** The kiosk a request comes from (`kiosk-N`), or null when it carries no valid kiosk token. */
  kioskOf(token: string | undefined): string | null {
    if (!token || token.length > 256) return null
    return this.kioskIds.get(token) ?? null
  }

  /** Seconds to wait before this WeChat user's next message is handled; 0 when within budget. */
  takeOpenId(openId: string): number {
    return this.openIds.take(`openid:${openId.slice(0, 128)}`, this.nowMs())
  }
}

type LimitsEnv = { Variables: { limits: RequestLimits } }

/**
 * The per-OpenID budget for the WeChat channel: call it once per incoming message after the signature is verified.
 * Returns the seconds the user must wait (0 = go ahead); over budget, reply with a short "please wait" text instead
 * of answering (WeChat expects a 200). /wechat is exempt from the per-address budget, because WeChat's servers send
 * every user's messages from a few addresses.
 */
export function takeOpenIdBudget(c: Context, openId: string): number {
  const limits = (c as Context<LimitsEnv>).get('limits') as RequestLimits | undefined
  return limits ? limits.takeOpenId(openId) : 0
}
