import type { Config } from '../../config.js'
import type { ConsultationDeps } from '../../core/consultation/consult.js'
import type { MediationDeps } from '../../core/mediation/mediation.js'
import type { WechatRouteDeps } from '../../http/wechat-routes.js'
import type { SqlDriver } from '../sql/sql-driver.js'
import { SqlWechatStore } from '../sql/wechat-store.js'
import { WechatChannel, type WechatChannelDeps } from './channel.js'
import { HttpWechatApi } from './client.js'
import { WechatCipher } from './crypto.js'

/**
 * The WeChat channel from configuration, or undefined when WECHAT_TOKEN is unset (the channel is off). Safe and
 * compatible modes need WECHAT_ENCODING_AES_KEY and WECHAT_APP_ID; the customer-service API needs WECHAT_APP_ID and
 * WECHAT_APP_SECRET.
 */
export function wechatFromConfig(
  config: Config,
  ports: {
    consultation: ConsultationDeps
    mediation: MediationDeps
    sql: SqlDriver
    log?: (line: Record<string, unknown>) => void
    /** Tests replace the answerer, the ids of full answers or the nonce of encrypted replies. */
    overrides?: Partial<Pick<WechatChannelDeps, 'answer' | 'answerId'>> & Pick<WechatRouteDeps, 'nonce'>
  },
): { routes: WechatRouteDeps; channel: WechatChannel } | undefined {
  if (!config.WECHAT_TOKEN) return undefined
  if (config.WECHAT_ENCODING_AES_KEY && !config.WECHAT_APP_ID) {
    throw new Error('invalid configuration — WECHAT_ENCODING_AES_KEY needs WECHAT_APP_ID (decrypted messages must name it)')
  }
  const clock = ports.consultation.clock
  const store = new SqlWechatStore(ports.sql)
  const api =
    config.WECHAT_APP_ID && config.WECHAT_APP_SECRET
      ? new HttpWechatApi({ base: config.WECHAT_API_BASE, appId: config.WECHAT_APP_ID, appSecret: config.WECHAT_APP_SECRET, clock })
      : null
  const channel = new WechatChannel({
    consultation: ports.consultation,
    mediation: ports.mediation,
    store,
    api,
    passiveBudgetMs: config.WECHAT_PASSIVE_BUDGET_MS,
    publicUrl: config.FABAO_PUBLIC_URL,
    ...(ports.log ? { log: ports.log } : {}),
    ...(ports.overrides?.answer ? { answer: ports.overrides.answer } : {}),
    ...(ports.overrides?.answerId ? { answerId: ports.overrides.answerId } : {}),
  })
  return {
    channel,
    routes: {
      token: config.WECHAT_TOKEN,
      appId: config.WECHAT_APP_ID ?? null,
      cipher: config.WECHAT_ENCODING_AES_KEY ? new WechatCipher(config.WECHAT_ENCODING_AES_KEY, config.WECHAT_APP_ID!) : null,
      channel,
      store,
      i18n: ports.consultation.i18n,
      clock,
      replayWindowSeconds: config.WECHAT_REPLAY_WINDOW_SECONDS,
      ...(ports.overrides?.nonce ? { nonce: ports.overrides.nonce } : {}),
    },
  }
}
