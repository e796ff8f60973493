import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadEvalSet } from '../src/cli/eval-set.js'
import { KNOWLEDGE_DIR } from '../src/cli/paths.js'
import { LANGS } from '../src/core/knowledge/schema.js'
import { testRuntime } from './support/runtime.js'

const items = loadEvalSet()

function knowledgeTexts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return knowledgeTexts(path)
    return entry.name.endsWith('.json') || entry.name.endsWith('.md') ? [readFileSync(path, 'utf8')] : []
  })
}

describe('eval set (tests/eval)', () => {
  it('has at least 150 retrieval questions, 50 per language, each situation in all three languages', () => {
    const retrieval = items.filter((i) => i.kind === 'retrieval')
    expect(retrieval.length * 3).toBeGreaterThanOrEqual(150)
    for (const lang of LANGS) expect(retrieval.filter((i) => i.questions[lang].trim()).length).toBeGreaterThanOrEqual(50)
  })

  it('has at least 10 per language of out-of-scope, emergency and handoff items', () => {
    for (const kind of ['out-of-scope', 'emergency', 'handoff'] as const) {
      expect(items.filter((i) => i.kind === kind).length).toBeGreaterThanOrEqual(10)
    }
  })

  it('has unique ids, 1–3 existing expected articles per retrieval item, none for special items', () => {
    const knowledge = testRuntime().knowledge
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length)
    for (const item of items) {
      if (item.kind === 'retrieval') {
        expect(item.expected.length, item.id).toBeGreaterThanOrEqual(1)
        expect(item.expected.length, item.id).toBeLessThanOrEqual(3)
        for (const id of item.expected) expect(knowledge.articles.has(id), `${item.id}: ${id}`).toBe(true)
      } else {
        expect(item.expected, item.id).toEqual([])
      }
    }
  })

  it('has both splits for every kind', () => {
    for (const kind of ['retrieval', 'out-of-scope', 'emergency', 'handoff'] as const) {
      for (const split of ['dev', 'test'] as const) {
        expect(items.some((i) => i.kind === kind && i.split === split), `${kind}/${split}`).toBe(true)
      }
    }
  })

  it('shares no 12 consecutive Chinese characters and no 6 consecutive words with knowledge/', () => {
    const corpus = knowledgeTexts(KNOWLEDGE_DIR)
    const hanCorpus = corpus.map((t) => t.replace(/[^\p{Script=Han}]+/gu, '|')).join('|')
    const wordCorpus = ' ' + corpus.join(' ').toLowerCase().match(/[\p{L}\p{N}]+/gu)!.join(' ') + ' '
    const problems: string[] = []
    for (const item of items) {
      for (const lang of LANGS) {
        const q = item.questions[lang]
        for (const run of q.match(/\p{Script=Han}{12,}/gu) ?? []) {
          for (let i = 0; i + 12 <= run.length; i++) {
            if (hanCorpus.includes(run.slice(i, i + 12))) problems.push(`${item.id}/${lang}: ${run.slice(i, i + 12)}`)
          }
        }
        const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
        for (let i = 0; i + 6 <= words.length; i++) {
          const phrase = ' ' + words.slice(i, i + 6).join(' ') + ' '
          if (/\p{Script=Han}/u.test(phrase)) continue
          if (wordCorpus.includes(phrase)) problems.push(`${item.id}/${lang}: ${phrase.trim()}`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})
