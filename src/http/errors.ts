import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Lang } from '../core/knowledge/schema.js'

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'message_too_long'
  | 'unsupported_lang'
  | 'payload_too_large'
  | 'rate_limited'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf_failed'
  | 'consent_required'
  | 'session_not_found'
  | 'case_open'
  | 'case_closed'
  | 'case_conflict'
  | 'storage_unavailable'
  | 'cases_elsewhere'
  | 'internal'

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_json: 400,
  invalid_request: 400,
  message_too_long: 400,
  unsupported_lang: 400,
  payload_too_large: 413,
  rate_limited: 429,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  consent_required: 400,
  session_not_found: 404,
  case_open: 409,
  case_closed: 409,
  case_conflict: 409,
  storage_unavailable: 503,
  /** A Worker that keeps no cases (FABAO_EDGE_CASES=off): disputes go to the central server. */
  cases_elsewhere: 501,
  internal: 500,
}

/**
 * A failure the client should see: a code from the HTTP contract and the locale key of its message.
 * Thrown anywhere below a route; `renderError` is the one place that turns it into a response.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: string = `errors.${code}`,
    readonly params: Record<string, unknown> = {},
    readonly lang?: Lang,
  ) {
    super(code)
  }

  get status(): ContentfulStatusCode {
    return STATUS[this.code]
  }
}

export function errorBody(c: Context, error: ApiError, lang: Lang) {
  const t = c.var.i18n.getFixedT(error.lang ?? lang)
  return { error: { code: error.code, message: t(error.messageKey, error.params) as string, requestId: c.var.requestId } }
}
