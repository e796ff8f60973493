import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadKnowledgeBundle } from '../src/adapters/node/knowledge-files.js'
import { checkKnowledge, loadGlossaryExceptions } from '../src/cli/knowledge-check.js'
import { KNOWLEDGE_DIR } from '../src/cli/paths.js'
import { sameRussianStem, statedFigures, TranslationChecker } from '../src/core/knowledge/translation-check.js'
import { TextAnalyzer } from '../src/core/text/analyze.js'

const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
const checker = new TranslationChecker(bundle.glossary, new TextAnalyzer(bundle.lexicons))
const zhOf = (lawId: string, n: number) => bundle.laws.find((l) => l.id === lawId)!.articles.find((a) => a.number === n)!.zh
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

function checkEntry(lawId: string, article: number, lang: 'ru' | 'en', text: string) {
  const zh = zhOf(lawId, article)
  return checker.check({ lawId, lang, article, zh, zhSha256: sha256(zh), entry: { text, zhSha256: sha256(zh) } })
}

interface Fixture {
  name: string
  lawId: string
  article: number
  lang: 'ru' | 'en'
  text: string
  expect: { kind: string; detail: string }
}
const fixtures: Fixture[] = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'knowledge-check', 'broken-translations.json'), 'utf8'),
).fixtures

describe('knowledge:check — figures the zh text states', () => {
  it('reads durations, amounts, multiples, percentages, references, items and dates, not ordinals or "a"', () => {
    const values = (zh: string) => statedFigures(zh).map((f) => `${f.kind}:${f.value}`)
    expect(values('\u7b2c\u4e00\u6761 \u5e94\u5f53\u5728\u4e03\u65e5\u5185\u9000\u8fd8\uff0c\u8d54\u507f\u4e09\u500d\uff0c\u4e0d\u8db3\u4e94\u767e\u5143\u7684\uff0c\u4e3a\u4e94\u767e\u5143')).toEqual(['number:7', 'number:3', 'number:500'])
    expect(values('\u7b2c\u4e8c\u6761 \u767e\u5206\u4e4b\u4e09\u5341\uff1b\u4f9d\u7167\u7b2c\u56db\u5341\u4e5d\u6761\u7b2c\u4e8c\u6b3e\uff1b\u5904\u4e00\u4e07\u5143\u4ee5\u4e0a')).toEqual(['number:30', 'number:49', 'number:2', 'number:10000'])
    expect(values('\u7b2c\u4e09\u6761 \uff08\u4e00\uff09\u7b2c\u4e09\u4eba\uff1b\u4e00\u6b21\u6027\u5904\u7f5a3\u4e07\u5143')).toEqual(['number:30000', 'item:1'])
    expect(values('\u7b2c\u56db\u6761 \u672c\u6cd5\u81ea2013\u5e7410\u67081\u65e5\u8d77\u65bd\u884c')).toEqual(['number:2013', 'month:10', 'number:1'])
  })

  it('accepts a month written as a name, and Arabic digits with a thousands space', () => {
    const zh = '\u7b2c\u56db\u6761 \u81ea2013\u5e7410\u67081\u65e5\u8d77\u5904\u4e00\u4e07\u5143\u7f5a\u6b3e'
    const lawId = 'x'
    const plain = new TranslationChecker([], new TextAnalyzer(bundle.lexicons))
    const run = (lang: 'ru' | 'en', text: string) =>
      plain.check({ lawId, lang, article: 4, zh, zhSha256: 'h', entry: { text, zhSha256: 'h' } }).map((p) => p.kind)
    expect(run('en', 'Article 4. From 1 October 2013, a fine of 10 000 yuan.')).toEqual([])
    expect(run('ru', 'Статья 4. С 1 октября 2013 года — штраф 10000 юаней.')).toEqual([])
    expect(run('en', 'Article 4. From 1 November 2013, a fine of 10 000 yuan.')).toEqual(['figure'])
  })

  it('matches Russian stems across a fleeting vowel but not unrelated words', () => {
    expect(sameRussianStem('\u0438\u043d\u043e\u0441\u0442\u0440\u0430\u043d\u0435\u0446', '\u0438\u043d\u043e\u0441\u0442\u0440\u0430\u043d\u0446')).toBe(true)
    expect(sameRussianStem('\u043f\u043e\u0441\u0440\u0435\u0434\u043d\u0438\u0447', '\u0430\u0440\u0431\u0438\u0442\u0440\u0430\u0436')).toBe(false)
  })
})

describe('knowledge:check — broken translations are caught', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const original = JSON.parse(readFileSync(join(KNOWLEDGE_DIR, 'translations', fixture.lang, `${fixture.lawId}.json`), 'utf8'))
      .articles[String(fixture.article)].text as string
    expect(fixture.text).not.toBe(original)
    const caught = (text: string) =>
      checkEntry(fixture.lawId, fixture.article, fixture.lang, text).filter(
        (p) => p.kind === fixture.expect.kind && p.detail.includes(fixture.expect.detail),
      )
    expect(caught(original)).toEqual([])
    expect(caught(fixture.text).length).toBeGreaterThan(0)
  })

  it('reports a stale translation when the zh text changed', () => {
    const zh = zhOf('tourism-law', 35)
    const text = JSON.parse(readFileSync(join(KNOWLEDGE_DIR, 'translations', 'en', 'tourism-law.json'), 'utf8')).articles['35'].text
    const problems = checker.check({ lawId: 'tourism-law', lang: 'en', article: 35, zh, zhSha256: sha256(zh), entry: { text, zhSha256: sha256(zh + ' ') } })
    expect(problems.filter((p) => p.kind === 'stale')).toHaveLength(1)
    const fresh = checker.check({ lawId: 'tourism-law', lang: 'en', article: 35, zh, zhSha256: sha256(zh), entry: { text, zhSha256: sha256(zh) } })
    expect(fresh.filter((p) => p.kind === 'stale')).toEqual([])
  })
})

describe('knowledge:check on the committed knowledge', () => {
  it('passes: no stale, incomplete or mistranslated-figure entry, glossary terms rendered or excused, coverage met', () => {
    const report = checkKnowledge(bundle, loadGlossaryExceptions(KNOWLEDGE_DIR))
    expect(report.failures).toEqual([])
    expect(report.problems.map((p) => `${p.lang}/${p.lawId}:${p.article} ${p.kind} ${p.detail}`)).toEqual([])
    for (const c of report.coverage.filter((c) => c.scope === 'full')) expect([c.lawId, c.ru, c.en]).toEqual([c.lawId, c.articles, c.articles])
    expect(report.selectedTotal).toBeGreaterThanOrEqual(200)
  })
})
