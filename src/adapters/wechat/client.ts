import type { Clock } from '../../core/ports.js'

/** The part of WeChat's server API the channel uses: customer-service text messages. Injected, so tests fake it. */
export interface WechatApi {
  /** Sends a text message to a user; throws WechatApiError with WeChat's errcode when WeChat refuses. */
  sendText(openId: string, text: string): Promise<void>
}

/** WeChat refused a call. 48001: the account has no such API (unverified); 45015: outside the 48-hour window. */
export class WechatApiError extends Error {
  override readonly name = 'WechatApiError'
  constructor(readonly errcode: number) {
    super(`wechat errcode ${errcode}`)
  }
}

export const NO_API_PERMISSION = 48001
export const OUTSIDE_REPLY_WINDOW = 45015
/** Invalid or expired access token: fetch a new one and try once more. */
const TOKEN_REJECTED = new Set([40001, 40014, 42001])
/** Refresh this long before WeChat's stated expiry. */
const REFRESH_MARGIN_MS = 5 * 60_000
const TIMEOUT_MS = 5_000

export interface HttpWechatApiOptions {
  /** https://api.weixin.qq.com, or a fake server in tests. */
  base: string
  appId: string
  appSecret: string
  clock: Clock
  fetch?: typeof fetch
}

/**
 * The WeChat API over HTTP: the access token is fetched with the AppSecret, cached, refreshed before it expires and
 * again whenever WeChat says it is invalid or expired (40001, 40014, 42001). Never logs a token or a message.
 */
export class HttpWechatApi implements WechatApi {
  private token: { value: string; refreshAt: number } | null = null
  private fetching: Promise<string> | null = null
  private readonly fetchFn: typeof fetch

  constructor(private readonly options: HttpWechatApiOptions) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init))
  }

  private async call(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
    const res = await this.fetchFn(`${this.options.base.replace(/\/+$/, '')}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })
    if (!res.ok) throw new WechatApiError(-res.status)
    const body = (await res.json()) as unknown
    if (!body || typeof body !== 'object') throw new WechatApiError(-1)
    return body as Record<string, unknown>
  }

  /** The cached access token, or a new one. */
  async accessToken(force = false): Promise<string> {
    const now = this.options.clock.now().getTime()
    if (!force && this.token && now < this.token.refreshAt) return this.token.value
    this.fetching ??= (async () => {
      try {
        const { appId, appSecret } = this.options
        const body = await this.call(
          `/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(appId)}&secret=${encodeURIComponent(appSecret)}`,
        )
        if (typeof body.access_token !== 'string' || !body.access_token) throw new WechatApiError(Number(body.errcode ?? -1))
        const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 7200) * 1000
        const fetchedAt = this.options.clock.now().getTime()
        this.token = { value: body.access_token, refreshAt: fetchedAt + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) }
        return body.access_token
      } finally {
        this.fetching = null
      }
    })()
    return this.fetching
  }

  async sendText(openId: string, text: string): Promise<void> {
    const payload = JSON.stringify({ touser: openId, msgtype: 'text', text: { content: text } })
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0)
      const body = await this.call(`/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: payload,
      })
      const errcode = Number(body.errcode ?? 0)
      if (errcode === 0) return
      if (TOKEN_REJECTED.has(errcode) && attempt === 0) {
        this.token = null
        continue
      }
      throw new WechatApiError(errcode)
    }
  }
}
