import { slaPolicy, type Config } from '../config.js'
import type { AccountDeps } from '../core/mediation/accounts.js'
import type { MediationDeps } from '../core/mediation/mediation.js'
import type { AppDeps } from '../http/app.js'
import type { QuickReply } from '../http/mediator-routes.js'
import type { WebAssets } from '../http/pages.js'
import type { WechatRouteDeps } from '../http/wechat-routes.js'
import type { WechatChannel } from './wechat/channel.js'

/** What a runtime adapter has built; the rest of the app's dependencies come from configuration. */
export interface RuntimeParts extends Pick<AppDeps, 'consultation' | 'version' | 'clientKey' | 'storageWritable' | 'draining' | 'log' | 'casesElsewhere'> {
  mediation: MediationDeps
  accounts: AccountDeps
  wechat: { routes: WechatRouteDeps; channel: WechatChannel } | undefined
  assets: WebAssets
  quickReplies: QuickReply[]
  /** Whether the central server answers (kiosks); Node only. */
  centralReachable?: () => Promise<boolean>
}

/** The HTTP app's dependencies from configuration and the runtime's parts — the same on Node and on Workers. */
export function appDepsFromConfig(config: Config, parts: RuntimeParts): AppDeps {
  const { mediation, accounts, wechat, assets, quickReplies, centralReachable, ...rest } = parts
  return {
    ...rest,
    mediation: {
      mediation,
      accounts,
      ...(wechat ? { replyDelivery: wechat.channel } : {}),
      sla: slaPolicy(config),
      quickReplies,
      secureCookies: config.FABAO_PUBLIC_URL?.startsWith('https:') ?? false,
    },
    pages: {
      assets,
      committeeName: config.FABAO_MEDIATION_COMMITTEE,
      retention: { chatDays: config.FABAO_CHAT_RETENTION_DAYS, caseDays: config.FABAO_CASE_RETENTION_DAYS },
    },
    chatPages: {
      kioskIdleSeconds: config.FABAO_KIOSK_IDLE_SECONDS,
      embedOrigins: config.FABAO_EMBED_ORIGINS,
      publicUrl: config.FABAO_PUBLIC_URL,
      ...(centralReachable ? { centralReachable } : {}),
    },
    rateLimitPerMinute: config.FABAO_RATE_LIMIT_PER_MINUTE,
    rateLimits: {
      pagePerMinute: config.FABAO_PAGE_RATE_LIMIT_PER_MINUTE,
      kioskPerMinute: config.FABAO_KIOSK_RATE_LIMIT_PER_MINUTE,
      openIdPerMinute: config.FABAO_WECHAT_RATE_LIMIT_PER_MINUTE,
      kioskTokens: config.FABAO_KIOSK_TOKENS,
    },
    ...(wechat ? { wechat: wechat.routes } : {}),
  }
}
