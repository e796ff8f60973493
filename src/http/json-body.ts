import type { z } from 'zod'
import { ApiError } from './errors.js'

/** Parses a JSON request body with a zod schema: invalid_json, or invalid_request naming the fields at fault. */
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
    throw new ApiError('invalid_request', 'errors.invalid_request', { detail })
  }
  return parsed.data
}
