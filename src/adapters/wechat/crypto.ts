/**
 * WeChat's safe mode ("安全模式"), with WebCrypto so it runs on Node and Workers: AES-256-CBC, key = Base64 of the
 * 43-character EncodingAESKey + "=", IV = the first 16 key bytes; plaintext = 16 random bytes + 4-byte big-endian
 * message length + message + AppID, PKCS#7-padded to a multiple of 32 bytes (not AES's 16).
 *
 * WebCrypto always applies its own 16-byte PKCS#7, so: encrypting, the 32-byte-padded plaintext is encrypted and
 * WebCrypto's extra final block dropped (CBC blocks never depend on later ones); decrypting, one block is appended
 * that decrypts to a full 16-byte padding block, so WebCrypto strips exactly that and returns the raw plaintext.
 */
export class WechatCryptoError extends Error {
  override readonly name = 'WechatCryptoError'
}

const BLOCK = 32
const AES = 'AES-CBC'

function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new WechatCryptoError('not base64')
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/

export class WechatCipher {
  private readonly key: ReturnType<typeof crypto.subtle.importKey>
  private readonly iv: Uint8Array<ArrayBuffer>

  /** From the account's EncodingAESKey (43 letters and digits) and AppID; throws WechatCryptoError for a bad key. */
  constructor(encodingAesKey: string, readonly appId: string) {
    if (!ENCODING_AES_KEY.test(encodingAesKey)) throw new WechatCryptoError('EncodingAESKey must be 43 letters and digits')
    const raw = fromBase64(`${encodingAesKey}=`) as Uint8Array<ArrayBuffer>
    this.iv = raw.slice(0, 16)
    this.key = crypto.subtle.importKey('raw', raw, { name: AES }, false, ['encrypt', 'decrypt'])
  }

  /** Encrypts `message` for this AppID; `random` (16 bytes) only for fixed test vectors. */
  async encrypt(message: string, random: Uint8Array = crypto.getRandomValues(new Uint8Array(16))): Promise<string> {
    if (random.length !== 16) throw new WechatCryptoError('random prefix must be 16 bytes')
    const body = new TextEncoder().encode(message)
    const length = new Uint8Array(4)
    new DataView(length.buffer).setUint32(0, body.length, false)
    const unpadded = concat(random, length, body, new TextEncoder().encode(this.appId))
    const pad = BLOCK - (unpadded.length % BLOCK)
    const padded = concat(unpadded, new Uint8Array(pad).fill(pad))
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: AES, iv: this.iv }, await this.key, padded))
    return toBase64(sealed.subarray(0, padded.length))
  }

  /** Decrypts an Encrypt field; throws WechatCryptoError for anything that is not a well-formed WeChat ciphertext. */
  async decrypt(encrypted: string): Promise<{ message: string; appId: string }> {
    const data = fromBase64(encrypted)
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('ciphertext length')
    const last = data.slice(data.length - 16)
    const tail = new Uint8Array(await crypto.subtle.encrypt({ name: AES, iv: last }, await this.key, new Uint8Array(16).fill(16))).subarray(0, 16)
    let plain: Uint8Array
    try {
      plain = new Uint8Array(await crypto.subtle.decrypt({ name: AES, iv: this.iv }, await this.key, concat(data, tail)))
    } catch {
      throw new WechatCryptoError('decryption failed')
    }
    const pad = plain[plain.length - 1]!
    if (pad < 1 || pad > BLOCK || pad > plain.length - 20 || plain.subarray(plain.length - pad).some((b) => b !== pad)) {
      throw new WechatCryptoError('padding')
    }
    const content = plain.subarray(16, plain.length - pad)
    const length = new DataView(content.buffer, content.byteOffset, content.byteLength).getUint32(0, false)
    if (4 + length > content.length) throw new WechatCryptoError('length field')
    const decoder = new TextDecoder('utf-8', { fatal: true })
    try {
      return { message: decoder.decode(content.subarray(4, 4 + length)), appId: decoder.decode(content.subarray(4 + length)) }
    } catch {
      throw new WechatCryptoError('not UTF-8')
    }
  }
}
