/**
 * npm run wechat:simulate -- "текст" [--mode plain|compatible|safe] [--url http://127.0.0.1:8787/wechat]
 *   [--openid oSimulatedUser] [--event subscribe|unsubscribe]
 * Sends one message to a running server exactly as WeChat would (signed with WECHAT_TOKEN; in safe and compatible
 * mode encrypted with WECHAT_ENCODING_AES_KEY for WECHAT_APP_ID) and prints the reply. Reads the same environment
 * variables as the server.
 */
import { readConfig } from '../config.js'
import { WechatCipher } from '../adapters/wechat/crypto.js'
import { wechatSignature } from '../adapters/wechat/signature.js'
import { buildWechatXml, parseWechatXml } from '../adapters/wechat/xml.js'

const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? args.splice(at, 2)[1] : undefined
}
const config = readConfig(process.env)
const mode = option('mode') ?? (config.WECHAT_ENCODING_AES_KEY ? 'safe' : 'plain')
const url = option('url') ?? `http://127.0.0.1:${config.PORT}/wechat`
const openId = option('openid') ?? 'oSimulatedUser'
const event = option('event')
const text = args.join(' ').trim()
if (!config.WECHAT_TOKEN || (!text && !event) || !['plain', 'compatible', 'safe'].includes(mode)) {
  console.error('usage: WECHAT_TOKEN=… npm run wechat:simulate -- "your question" [--mode plain|compatible|safe] [--url …] [--openid …] [--event subscribe]')
  process.exit(2)
}
if (mode !== 'plain' && (!config.WECHAT_ENCODING_AES_KEY || !config.WECHAT_APP_ID)) {
  console.error(`--mode ${mode} needs WECHAT_ENCODING_AES_KEY and WECHAT_APP_ID`)
  process.exit(2)
}

const now = Math.floor(Date.now() / 1000)
const fields: Record<string, string | number> = event
  ? { ToUserName: 'gh_simulated', FromUserName: openId, CreateTime: now, MsgType: 'event', Event: event }
  : { ToUserName: 'gh_simulated', FromUserName: openId, CreateTime: now, MsgType: 'text', Content: text, MsgId: `${now}${Math.floor(Math.random() * 1e6)}` }
const plain = buildWechatXml(fields)
const timestamp = String(now)
const nonce = String(Math.floor(Math.random() * 1e9))
const query = new URLSearchParams({ signature: await wechatSignature([config.WECHAT_TOKEN, timestamp, nonce]), timestamp, nonce, openid: openId })
let body = plain
const cipher = mode === 'plain' ? null : new WechatCipher(config.WECHAT_ENCODING_AES_KEY!, config.WECHAT_APP_ID!)
if (cipher) {
  const encrypted = await cipher.encrypt(plain)
  query.set('encrypt_type', 'aes')
  query.set('msg_signature', await wechatSignature([config.WECHAT_TOKEN, timestamp, nonce, encrypted]))
  body = mode === 'safe'
    ? buildWechatXml({ ToUserName: 'gh_simulated', Encrypt: encrypted })
    : plain.replace('</xml>', `<Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`)
}

const started = Date.now()
const res = await fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body })
const reply = await res.text()
const ms = Date.now() - started
if (res.status !== 200) {
  console.error(`HTTP ${res.status} (${ms} ms): ${reply}`)
  process.exit(1)
}
if (reply === 'success' || reply === '') {
  console.log(`success (${ms} ms) — no passive reply; the answer goes through the customer-service API`)
  process.exit(0)
}
let xml = parseWechatXml(reply)
if (xml.Encrypt !== undefined && cipher) {
  const expected = await wechatSignature([config.WECHAT_TOKEN, xml.TimeStamp ?? '', xml.Nonce ?? '', xml.Encrypt])
  if (expected !== xml.MsgSignature) console.error('warning: the reply MsgSignature does not match')
  xml = parseWechatXml((await cipher.decrypt(xml.Encrypt)).message)
}
console.log(`[${mode}] ${new TextEncoder().encode(xml.Content ?? '').length} bytes, ${ms} ms`)
console.log(xml.Content ?? reply)
