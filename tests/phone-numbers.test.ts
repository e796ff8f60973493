import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KNOWLEDGE_DIR } from '../src/cli/paths.js'
import { REPO_ROOT } from '../src/adapters/node/consultation-runtime.js'
import { consult } from '../src/core/consultation/consult.js'
import { LANGS, NATIONAL_NUMBERS } from '../src/core/knowledge/schema.js'
import { MemorySessionStore } from '../src/core/ports.js'
import { loadEvalSet } from '../src/cli/eval-set.js'
import { fixedClock, testRuntime } from './support/runtime.js'

/**
 * Never invent a phone number: every phone-like digit run in what a tourist can read — locales, knowledge data and
 * the answers to the eval questions — must be a national service number (or, in a deployment, a configured office).
 *
 * Phone-like: a run of 5 or more digits (spaces, hyphens and a leading + allowed inside, as phone numbers are
 * written) that is not an amount (a unit follows, or round thousands), a date or a figure with a unit; or a 3-digit number starting with 1
 * written right after a word for calling or a phone ("call 114", "拨打114").
 */
const LONG_RUN = /(?<![\d.,])\+?\d(?:[\d \u00a0\u202f-]*\d)?(?![\d])/g
const UNIT_AFTER = /^\s*(?:[–—-]\s*[\d \u00a0\u202f]+)?\s*(?:元|万|亿|%|％|юан|руб|yuan|rmb|percent|процент|kg|кг|km|км|日|天|年|月|дн|day|год|лет|year)/i
const CALL_BEFORE = /(?:call|dial|phone|ring|hotline|звоните|позвоните|звонить|телефон|номер|линии|拨打|致电|电话|热线)\W{0,3}$/i

export function phoneLikeNumbers(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(LONG_RUN)) {
    const digits = m[0].replace(/[^\d]/g, '')
    const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 12)
    const before = text.slice(Math.max(0, m.index! - 16), m.index!)
    if (digits.length >= 5) {
      // "10 000 юаней" is an amount, "2024-07-01" a date: a run with a unit after or a date shape is not a phone.
      if (UNIT_AFTER.test(after) || /^\d{4}-\d{2}-\d{2}$/.test(m[0].trim())) continue
      if (/^\d{1,3}([ \u00a0\u202f]\d{3})+$/.test(m[0].trim()) && !CALL_BEFORE.test(before)) continue
      // Round thousands are amounts ("от 30000 до 300000 юаней", "штраф до 10000"), unless a call word precedes.
      if (/^[1-9]\d*000$/.test(digits) && !CALL_BEFORE.test(before)) continue
      // The documented placeholder of the example contacts file, +86-000-0000-0000.
      if (/^860+$/.test(digits)) continue
      found.push(digits)
    } else if (/^1\d\d$/.test(digits) && CALL_BEFORE.test(before)) {
      found.push(digits)
    }
  }
  return found
}

const ALLOWED = new Set<string>(NATIONAL_NUMBERS)

/** The strings of a JSON document a person reads: content hashes (zhSha256) are not text. */
function readableStrings(value: unknown): string[] {
  if (typeof value === 'string') return /^[0-9a-f]{64}$/.test(value) ? [] : [value]
  if (Array.isArray(value)) return value.flatMap(readableStrings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(readableStrings)
  return []
}

function textFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'model' ? [] : textFiles(path)
    return /\.(json|md)$/.test(name) && name !== 'local.example.json' ? [path] : []
  })
}

describe('no invented phone numbers', () => {
  it('finds phone-like numbers and leaves amounts, dates and article numbers alone', () => {
    expect(phoneLikeNumbers('Call +86-456-123-4567 or 12315; the fine is 10 000 yuan, since 2024-07-01, Article 122.')).toEqual([
      '864561234567',
      '12315',
    ])
    expect(phoneLikeNumbers('拨打114查询，或致电 0456-8221234')).toEqual(['114', '04568221234'])
    expect(phoneLikeNumbers('позвоните 120, штраф 500 юаней, 50000 руб., от 30000 до 300000 юаней')).toEqual(['120'])
    expect(phoneLikeNumbers('телефон 45678000')).toEqual(['45678000'])
  })

  it('locales and knowledge name no phone number outside the national list', () => {
    const offending: string[] = []
    for (const file of [...textFiles(join(REPO_ROOT, 'locales')), ...textFiles(KNOWLEDGE_DIR)]) {
      const raw = readFileSync(file, 'utf8')
      const texts = file.endsWith('.json') ? readableStrings(JSON.parse(raw)) : [raw]
      for (const n of texts.flatMap(phoneLikeNumbers)) {
        if (!ALLOWED.has(n)) offending.push(`${relative(REPO_ROOT, file)}: ${n}`)
      }
    }
    expect(offending).toEqual([])
  })

  it('the answers to every eval question name no phone number outside the national list', async () => {
    const runtime = testRuntime()
    const offending: string[] = []
    for (const item of loadEvalSet()) {
      for (const lang of LANGS) {
        const reply = await consult(
          { ...runtime, sessions: new MemorySessionStore(), clock: fixedClock(), ids: { sessionId: () => 'phone-scan-session-abcdef' } },
          { message: item.questions[lang] },
        )
        const text = JSON.stringify({ ...reply, citations: reply.citations.map((c) => c.translation) })
        for (const n of phoneLikeNumbers(text)) if (!ALLOWED.has(n)) offending.push(`${item.id}/${lang}: ${n}`)
      }
    }
    expect(offending).toEqual([])
  })
})
