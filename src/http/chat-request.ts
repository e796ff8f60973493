import { z } from 'zod'
import { LANGS, type Lang } from '../core/knowledge/schema.js'
import { ApiError } from './errors.js'

export const MAX_MESSAGE_CODE_POINTS = 2000
export const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/

const ChatBodySchema = z.object({
  message: z.string(),
  lang: z.string().optional(),
  sessionId: z.string().optional(),
})

export interface ChatInput {
  message: string
  lang?: Lang
  sessionId?: string
}

const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGS as readonly string[]).includes(value)

/**
 * Validates a POST /api/chat body. The order of checks decides which error a client sees: shape, then `lang`,
 * then the message (empty after trimming, or over 2000 code points), then `sessionId`.
 * `hintLang` is the language error messages fall back to when the body names none.
 */
export function parseChatBody(body: unknown, hintLang: (message: string | undefined) => Lang): ChatInput {
  const parsed = ChatBodySchema.safeParse(body)
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  const errorLang = isLang(raw.lang) ? raw.lang : hintLang(typeof raw.message === 'string' ? raw.message : undefined)
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
    throw new ApiError('invalid_request', 'errors.invalid_request', { detail }, errorLang)
  }
  const { lang, sessionId } = parsed.data
  if (lang !== undefined && !isLang(lang)) throw new ApiError('unsupported_lang', undefined, {}, errorLang)
  const message = parsed.data.message.trim()
  if (message.length === 0) throw new ApiError('invalid_request', 'errors.message_empty', {}, errorLang)
  if ([...message].length > MAX_MESSAGE_CODE_POINTS) {
    throw new ApiError('message_too_long', undefined, { max: MAX_MESSAGE_CODE_POINTS }, errorLang)
  }
  if (sessionId !== undefined && !SESSION_ID.test(sessionId)) {
    throw new ApiError('invalid_request', 'errors.invalid_session', {}, errorLang)
  }
  return { message, ...(lang ? { lang } : {}), ...(sessionId ? { sessionId } : {}) }
}
