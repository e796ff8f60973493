import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'

/**
 * Structured logs: one JSON line per request, and a redaction pass over everything logged. A log line never holds a
 * body, a query string (codes travel in headers and fragments, but a client may still put one in a query), or a
 * passport, phone number, e-mail address or a name a user gave.
 */

export type LogLine = Record<string, unknown>
export type LogSink = (line: LogLine) => void

const REDACTIONS: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  // E-mail addresses (any script).
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, '[email]'],
  // A name after "my name is" in zh / ru / en (我叫, 我的名字是, 我名叫, 我姓, 本人叫; меня зовут, моё имя, моя фамилия, зовут меня;
  // my name is, name:, I am called, call me), written as escapes because src/ holds no CJK or Cyrillic literal.
  [/(\u6211\u53eb|\u6211\u7684\u540d\u5b57\u662f|\u6211\u540d\u53eb|\u6211\u59d3|\u672c\u4eba\u53eb)\s*[\p{Script=Han}·•]{1,8}/gu, '$1[name]'],
  [/([\u041c\u043c]\u0435\u043d\u044f\s+\u0437\u043e\u0432\u0443\u0442|[\u041c\u043c]\u043e[\u0435\u0451]\s+(?:\u0438\u043c\u044f|\u0444\u0430\u043c\u0438\u043b\u0438\u044f)|[\u0417\u0437]\u043e\u0432\u0443\u0442\s+\u043c\u0435\u043d\u044f)\s+[\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]*){0,2}/gu, '$1 [name]'],
  [/\b([Mm]y\s+(?:full\s+)?name\s+is|[Nn]ame:|I\s+am\s+called|[Cc]all\s+me)\s+[\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]*){0,2}/gu, '$1 [name]'],
  // Passports: Chinese (E12345678, EA1234567, G12345678) and other letter + digits documents; Chinese ID cards.
  [/(?<![\p{L}\p{N}])[A-Za-z]{1,2}\d{6,9}(?![\p{L}\p{N}])/gu, '[passport]'],
  [/(?<!\d)\d{17}[\dXx](?![\p{L}\p{N}])/gu, '[id]'],
  // Phone numbers and any other long digit run (Russian passports "72 1234567", "45 12 345678", access codes):
  // seven or more digits, with spaces, dots, dashes or brackets between them.
  [
    /(?:\+\s?)?(?<!\d)\(?\d[\d\s().\-‐-―]{5,}\d(?!\d)/gu,
    (match) => ((match.match(/\d/g)?.length ?? 0) >= 7 ? '[number]' : match),
  ],
]

/** The text with e-mails, names given, passport, ID and phone numbers (and any run of 7+ digits) replaced. */
export function redact(text: string): string {
  let out = text
  for (const [pattern, replacement] of REDACTIONS) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement as (m: string) => string)
  }
  return out
}

/** Fields that are ours by construction (times, ids, numbers): never personal data, left as they are. */
const TRUSTED_FIELDS = new Set(['t', 'level', 'event', 'requestId', 'method', 'route', 'status', 'ms'])

/** A log line with every string (outside the trusted fields) redacted, nested values included. */
export function redactLine(line: LogLine): LogLine {
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redact(value.length > 2000 ? value.slice(0, 2000) + '…' : value)
    if (depth > 4 || value === null || typeof value !== 'object') return value
    if (Array.isArray(value)) return value.slice(0, 50).map((v) => walk(v, depth + 1))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, depth + 1)]))
  }
  return Object.fromEntries(Object.entries(line).map(([k, v]) => [k, TRUSTED_FIELDS.has(k) && typeof v !== 'object' ? v : walk(v, 0)]))
}

/** Wraps a sink so everything written to it is redacted first. */
export function redactingSink(sink: LogSink): LogSink {
  return (line) => sink(redactLine(line))
}

/**
 * What a request is logged as: the route pattern that answered (`/api/cases/:caseId/messages`), so ids stay out of
 * logs; for a path no route knows, the path itself without query or fragment, redacted and cut to 200 characters.
 */
export function routeOf(c: Context): string {
  try {
    const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL')
    if (handler) return handler.path
  } catch {
    // no match result (e.g. the request failed before routing)
  }
  return redact(c.req.path.slice(0, 200))
}

/** The one line logged per request. */
export function requestLine(c: Context, requestId: string, startedMs: number, nowMs: number): LogLine {
  return {
    level: c.res.status >= 500 ? 'error' : 'info',
    requestId,
    method: c.req.method,
    route: routeOf(c),
    status: c.res.status,
    ms: Math.max(0, Math.round(nowMs - startedMs)),
  }
}
