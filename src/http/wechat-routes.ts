import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { i18n } from 'i18next'
import type { Clock } from '../core/ports.js'
import type { WechatStore } from '../core/wechat/wechat-store.js'
import { inboundFrom, type WechatChannel } from '../adapters/wechat/channel.js'
import { WechatCryptoError, type WechatCipher } from '../adapters/wechat/crypto.js'
import { verifySignature, wechatSignature } from '../adapters/wechat/signature.js'
import { buildWechatXml, parseWechatXml, WechatXmlError } from '../adapters/wechat/xml.js'
import { answerPageRoutes } from './answer-page.js'
import type { AppEnv } from './app.js'
import { ApiError } from './errors.js'
import { takeOpenIdBudget } from './rate-limit.js'

export interface WechatRouteDeps {
  /** WECHAT_TOKEN: the shared secret of every signature. */
  token: string
  /** WECHAT_APP_ID: decrypted messages must name it. */
  appId: string | null
  /** Safe and compatible modes (WECHAT_ENCODING_AES_KEY); null = plain mode only. */
  cipher: WechatCipher | null
  channel: WechatChannel
  store: WechatStore
  i18n: i18n
  clock: Clock
  /** Requests whose timestamp is further than this from now are refused (replay). */
  replayWindowSeconds: number
  /** Random nonce for encrypted replies (tests fix it). */
  nonce?: () => string
}

const MAX_WECHAT_BODY = 64 * 1024
const randomNonce = () => String(crypto.getRandomValues(new Uint32Array(1))[0])

/**
 * `/wechat`, the server URL registered in the WeChat admin console: `GET` verification (echo `echostr` when the
 * signature matches), `POST` messages in plain, compatible and safe mode; and `/a/:id`, full answers. Without
 * WECHAT_TOKEN the channel is off and `/wechat` answers 404 saying so.
 */
export function wechatRoutes(deps: WechatRouteDeps | undefined) {
  const app = new Hono<AppEnv>()
  if (!deps) {
    app.all('/wechat', () => {
      throw new ApiError('not_found', 'wechat:channelOff')
    })
    return app
  }

  /** The query's timestamp within the replay window and its `signature` over token, timestamp and nonce. */
  const authenticate = async (c: Context<AppEnv>) => {
    const timestamp = c.req.query('timestamp') ?? ''
    const nonce = c.req.query('nonce') ?? ''
    if (!/^\d{1,12}$/.test(timestamp) || !nonce || nonce.length > 64) throw new ApiError('unauthorized')
    if (!(await verifySignature([deps.token, timestamp, nonce], c.req.query('signature')))) throw new ApiError('unauthorized')
    const skew = Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp))
    if (skew > deps.replayWindowSeconds) throw new ApiError('unauthorized')
    return { timestamp, nonce }
  }

  app.get('/wechat', async (c) => {
    await authenticate(c)
    return c.text(c.req.query('echostr') ?? '')
  })

  app.post(
    '/wechat',
    bodyLimit({ maxSize: MAX_WECHAT_BODY, onError: () => { throw new ApiError('payload_too_large') } }),
    async (c) => {
      const { timestamp, nonce } = await authenticate(c)
      const outer = parseOrReject(await c.req.text())
      let fields = outer
      let safeMode = false
      if (outer.Encrypt !== undefined) {
        if (deps.cipher) {
          if (!(await verifySignature([deps.token, timestamp, nonce, outer.Encrypt], c.req.query('msg_signature')))) {
            throw new ApiError('unauthorized')
          }
          let opened: { message: string; appId: string }
          try {
            opened = await deps.cipher.decrypt(outer.Encrypt)
          } catch (error) {
            if (error instanceof WechatCryptoError) throw new ApiError('invalid_request')
            throw error
          }
          if (opened.appId !== deps.appId) throw new ApiError('unauthorized')
          fields = parseOrReject(opened.message)
          // Compatible mode carries the plaintext fields beside Encrypt and is answered in plaintext.
          safeMode = outer.MsgType === undefined
        } else if (outer.MsgType === undefined) {
          // Safe mode without a key configured: nothing readable.
          throw new ApiError('invalid_request')
        }
      }
      const message = inboundFrom(fields)
      if (!message) throw new ApiError('invalid_request')

      // Per-user budget (WeChat's servers send every user's messages from a few addresses): over it, a short note.
      const reply = takeOpenIdBudget(c, message.openId) > 0 ? deps.channel.slowDown() : await deps.channel.handle(message)
      if (reply === null) return c.text('success')
      const xml = buildWechatXml({
        ToUserName: message.openId,
        FromUserName: message.toUser,
        CreateTime: Math.floor(deps.clock.now().getTime() / 1000),
        MsgType: 'text',
        Content: reply,
      })
      c.header('Content-Type', 'application/xml; charset=utf-8')
      if (!safeMode || !deps.cipher) return c.body(xml)
      const encrypted = await deps.cipher.encrypt(xml)
      const replyTimestamp = String(Math.floor(deps.clock.now().getTime() / 1000))
      const replyNonce = (deps.nonce ?? randomNonce)()
      return c.body(
        `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt><MsgSignature><![CDATA[${await wechatSignature([deps.token, replyTimestamp, replyNonce, encrypted])}]]></MsgSignature><TimeStamp>${replyTimestamp}</TimeStamp><Nonce><![CDATA[${replyNonce}]]></Nonce></xml>`,
      )
    },
  )

  app.route('/', answerPageRoutes({ store: deps.store, i18n: deps.i18n, clock: deps.clock }))
  return app
}

function parseOrReject(body: string): Record<string, string> {
  try {
    return parseWechatXml(body)
  } catch (error) {
    if (error instanceof WechatXmlError) throw new ApiError('invalid_request')
    throw error
  }
}
