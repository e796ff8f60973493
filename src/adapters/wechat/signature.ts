/**
 * WeChat's request signatures: SHA-1 (hex) of the parts sorted and concatenated — token, timestamp and nonce for
 * `signature`; token, timestamp, nonce and the Encrypt field for `msg_signature`. WebCrypto, so it runs on Node and
 * Workers alike.
 */
export async function wechatSignature(parts: readonly string[]): Promise<string> {
  const joined = [...parts].sort().join('')
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(joined))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Compares without an early exit, so timing says nothing about how much of a forged signature was right. */
export function sameSignature(expected: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== expected.length) return false
  let diff = 0
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.toLowerCase().charCodeAt(i)
  return diff === 0
}

/** Whether `signature` is the SHA-1 of the sorted parts. */
export async function verifySignature(parts: readonly string[], signature: string | undefined): Promise<boolean> {
  return sameSignature(await wechatSignature(parts), signature)
}
