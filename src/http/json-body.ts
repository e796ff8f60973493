import type { z } from 'zod'
import { LANGS, type Lang } from '../core/knowledge/schema.js'
import { ApiError } from './errors.js'

/** The body's own `lang`, when it names one of ours: the language its error is told in even if the rest is wrong. */
export function bodyLang(body: unknown): Lang | undefined {
  const lang = body && typeof body === 'object' ? (body as { lang?: unknown }).lang : undefined
  return (LANGS as readonly unknown[]).includes(lang) ? (lang as Lang) : undefined
}

/**
 * Parses a JSON request body with a zod schema: invalid_json, or invalid_request naming the fields at fault — in
 * the body's `lang` when it has a valid one, else the request's language.
 */
export function parseJsonBody<S extends z.ZodType>(schema: S, raw: string): z.infer<S> {
  let body: unknown
  try {
    body = JSON.parse(raw)
  } catch {
    throw new ApiError('invalid_json')
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
    throw new ApiError('invalid_request', 'errors.invalid_request', { detail }, bodyLang(body))
  }
  return parsed.data
}
