import type { CaseRecord } from './case.js'

/** Days of the week as Date.getUTCDay() numbers them: 0 Sunday … 6 Saturday. */
export interface OfficeHours {
  days: number[]
  /** Minutes after midnight, Beijing time. */
  opens: number
  closes: number
}

/**
 * The service promise: a complaint accepted (claimed) within `acceptMinutes`, answered within `firstReplyMinutes`,
 * closed within `closeMinutes`. With office hours the clock runs only while the office is open; without, it runs
 * around the clock.
 */
export interface SlaPolicy {
  acceptMinutes: number
  firstReplyMinutes: number
  closeMinutes: number
  officeHours: OfficeHours | null
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  acceptMinutes: 60,
  firstReplyMinutes: 24 * 60,
  closeMinutes: 7 * 24 * 60,
  officeHours: null,
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

/**
 * Parses office hours as written in configuration: `Mon-Fri 09:00-18:00` or `Mon,Wed,Sat 08:30-17:00`.
 * Returns null for an empty value (calendar time) and throws on anything malformed.
 */
export function parseOfficeHours(text: string): OfficeHours | null {
  const value = text.trim().toLowerCase()
  if (value === '' || value === '24/7') return null
  const match = /^([a-z,\-]+)\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(value)
  if (!match) throw new Error(`office hours "${text}": expected e.g. "Mon-Fri 09:00-18:00"`)
  const days = new Set<number>()
  for (const part of match[1]!.split(',')) {
    const [from, to] = part.split('-')
    const a = DAY_NAMES.indexOf(from ?? '')
    const b = to === undefined ? a : DAY_NAMES.indexOf(to)
    if (a < 0 || b < 0) throw new Error(`office hours "${text}": unknown day in "${part}"`)
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d)
      if (d === b) break
    }
  }
  const opens = Number(match[2]) * 60 + Number(match[3])
  const closes = Number(match[4]) * 60 + Number(match[5])
  if (!(opens < closes && closes <= 24 * 60)) throw new Error(`office hours "${text}": the office must open before it closes`)
  return { days: [...days].sort(), opens, closes }
}

const BEIJING_OFFSET_MINUTES = 8 * 60

/** `start` plus `minutes` of time the clock runs: calendar time, or office time in Beijing. */
export function addServiceTime(start: Date, minutes: number, hours: OfficeHours | null): Date {
  if (!hours) return new Date(start.getTime() + minutes * 60_000)
  // Work in "Beijing wall-clock minutes since the epoch".
  let t = Math.floor(start.getTime() / 60_000) + BEIJING_OFFSET_MINUTES
  let remaining = minutes
  for (let guard = 0; guard < 3660; guard++) {
    const day = Math.floor(t / 1440)
    const weekday = (day + 4) % 7 // 1970-01-01 was a Thursday
    const opens = day * 1440 + hours.opens
    const closes = day * 1440 + hours.closes
    if (!hours.days.includes(weekday) || t >= closes) {
      t = (day + 1) * 1440
      continue
    }
    if (t < opens) t = opens
    if (remaining <= closes - t) return new Date((t + remaining - BEIJING_OFFSET_MINUTES) * 60_000)
    remaining -= closes - t
    t = (day + 1) * 1440
  }
  throw new Error('office hours leave no open time')
}

export type SlaClock = 'accept' | 'first-reply' | 'close'

export interface SlaState {
  /** The next promise still open, or null when all are kept or the case is closed. */
  next: { clock: SlaClock; due: string; overdue: boolean; dueSoon: boolean } | null
  /** Promises broken so far (met late or still open past due). */
  missed: SlaClock[]
}

/** Where a case stands against the promise at `now`; `dueSoon` is within a quarter of the clock's span. */
export function slaState(c: CaseRecord, now: Date, policy: SlaPolicy): SlaState {
  const created = new Date(c.createdAt)
  const due = {
    accept: addServiceTime(created, policy.acceptMinutes, policy.officeHours),
    'first-reply': addServiceTime(created, policy.firstReplyMinutes, policy.officeHours),
    close: addServiceTime(created, policy.closeMinutes, policy.officeHours),
  }
  const span = { accept: policy.acceptMinutes, 'first-reply': policy.firstReplyMinutes, close: policy.closeMinutes }
  const doneAt: Record<SlaClock, string | null> = { accept: c.claimedAt, 'first-reply': c.firstReplyAt, close: c.closedAt }
  const missed: SlaClock[] = []
  let next: SlaState['next'] = null
  for (const clock of ['accept', 'first-reply', 'close'] as const) {
    const done = doneAt[clock]
    if (done) {
      if (new Date(done) > due[clock]) missed.push(clock)
      continue
    }
    if (c.closedAt) continue
    const overdue = now > due[clock]
    if (overdue) missed.push(clock)
    if (!next) {
      const soon = due[clock].getTime() - now.getTime() <= (span[clock] * 60_000) / 4
      next = { clock, due: due[clock].toISOString(), overdue, dueSoon: !overdue && soon }
    }
  }
  return { next, missed }
}
