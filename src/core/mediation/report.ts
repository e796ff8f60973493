import type { CaseRecord } from './case.js'
import { slaState, type SlaPolicy } from './sla.js'
import type { Store } from './store.js'

export interface MonthlyReport {
  month: string
  cases: number
  byLang: Record<string, number>
  byChannel: Record<string, number>
  byTopic: Record<string, number>
  byOutcome: Record<string, number>
  sla: { accept: { met: number; missed: number }; firstReply: { met: number; missed: number }; close: { met: number; missed: number } }
  /** Chat answers that found nothing relevant, per language, against all answers. */
  nothingRelevant: Record<string, { none: number; answers: number }>
}

const count = (cases: CaseRecord[], key: (c: CaseRecord) => string) =>
  cases.reduce<Record<string, number>>((acc, c) => ({ ...acc, [key(c)]: (acc[key(c)] ?? 0) + 1 }), {})

/** Cases opened in a calendar month (Beijing time), by language, channel, topic, outcome and SLA kept. */
export async function monthlyReport(store: Store, month: string, now: Date, policy: SlaPolicy): Promise<MonthlyReport> {
  const [y, m] = month.split('-').map(Number) as [number, number]
  // Month boundaries in Beijing time (UTC+8).
  const from = new Date(Date.UTC(y, m - 1, 1, -8)).toISOString()
  const before = new Date(Date.UTC(y, m, 1, -8)).toISOString()
  const cases = await store.listCases({ createdFrom: from, createdBefore: before })
  const sla = { accept: { met: 0, missed: 0 }, firstReply: { met: 0, missed: 0 }, close: { met: 0, missed: 0 } }
  for (const c of cases) {
    const state = slaState(c, now, policy)
    for (const [clock, key] of [['accept', 'accept'], ['first-reply', 'firstReply'], ['close', 'close']] as const) {
      if (state.missed.includes(clock)) sla[key].missed++
      else if ((clock === 'accept' && c.claimedAt) || (clock === 'first-reply' && c.firstReplyAt) || (clock === 'close' && c.closedAt)) sla[key].met++
    }
  }
  const nothingRelevant: MonthlyReport['nothingRelevant'] = {}
  for (const row of await store.countAnswers(from, before)) {
    const entry = (nothingRelevant[row.lang] ??= { none: 0, answers: 0 })
    entry.answers += row.count
    if (row.confidence === 'none') entry.none += row.count
  }
  return {
    month,
    cases: cases.length,
    byLang: count(cases, (c) => c.lang),
    byChannel: count(cases, (c) => c.channel),
    byTopic: count(cases, (c) => c.topic ?? 'unknown'),
    byOutcome: count(cases, (c) => c.status),
    sla,
    nothingRelevant,
  }
}
