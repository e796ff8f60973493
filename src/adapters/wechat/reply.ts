/** WeChat refuses text replies and customer-service messages over 2,048 bytes of UTF-8. */
export const MAX_REPLY_BYTES = 2048

const encoder = new TextEncoder()
export const utf8Bytes = (text: string): number => encoder.encode(text).length

const ELLIPSIS = '…'

/**
 * `text` cut to at most `maxBytes` of UTF-8, the ellipsis included, on a code-point boundary — at a line break when
 * one falls in the last third, so a shortened answer ends on a whole line.
 */
export function shortenTo(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text
  const room = maxBytes - utf8Bytes(ELLIPSIS)
  let used = 0
  let cut = 0
  for (const ch of text) {
    const size = utf8Bytes(ch)
    if (used + size > room) break
    used += size
    cut += ch.length
  }
  let kept = text.slice(0, cut)
  const lineBreak = kept.lastIndexOf('\n')
  if (lineBreak > (kept.length * 2) / 3) kept = kept.slice(0, lineBreak)
  return `${kept.trimEnd()}${ELLIPSIS}`
}

/**
 * A reply within WeChat's limit: `text` plus `always` (a hint that must be seen) when they fit; otherwise `text`
 * shortened, then `whenShortened` (the link to the full answer), then `always`.
 */
export function composeReply(text: string, parts: { always?: string; whenShortened: string }): { text: string; shortened: boolean } {
  const always = parts.always ? `\n\n${parts.always}` : ''
  const whole = `${text}${always}`
  if (utf8Bytes(whole) <= MAX_REPLY_BYTES) return { text: whole, shortened: false }
  const tail = `\n\n${parts.whenShortened}${always}`
  return { text: `${shortenTo(text, MAX_REPLY_BYTES - utf8Bytes(tail))}${tail}`, shortened: true }
}
