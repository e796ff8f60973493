import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importLaws } from '../src/cli/knowledge-build.js'
import { KNOWLEDGE_DIR, SHARED_REGULATIONS_DIR } from '../src/cli/paths.js'
import { parseChineseNumeral } from '../src/core/knowledge/chinese-numerals.js'
import { LawSchema, type Law } from '../src/core/knowledge/schema.js'

const committed: Law[] = readdirSync(join(KNOWLEDGE_DIR, 'laws'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => LawSchema.parse(JSON.parse(readFileSync(join(KNOWLEDGE_DIR, 'laws', f), 'utf8'))))

describe('knowledge/laws', () => {
  it('holds all 27 laws and 2,660 articles, each file named by its law id', () => {
    expect(committed).toHaveLength(27)
    expect(committed.reduce((n, l) => n + l.articles.length, 0)).toBe(2660)
    const count = (id: string) => committed.find((l) => l.id === id)?.articles.length
    expect(count('civil-code-contracts')).toBe(526)
    expect(count('civil-procedure-law')).toBe(306)
    expect(count('tourism-law')).toBe(112)
    expect(count('consumer-rights-protection-law')).toBe(63)
  })

  it('keeps code-wide numbering for the Civil Code parts', () => {
    const torts = committed.find((l) => l.id === 'civil-code-torts')!
    expect(torts.articles[0]!.number).toBe(1164)
    expect(torts.articles.find((a) => a.number === 1179)?.zh.startsWith('\u7b2c\u4e00\u5343\u4e00\u767e\u4e03\u5341\u4e5d\u6761 ')).toBe(true)
  })

  it('leaves the SPC preamble out of every article and records chapters where the law has them', () => {
    const spc = committed.find((l) => l.id === 'spc-tourism-dispute-provisions')!
    expect(spc.articles[0]!.zh).toMatch(/^\u7b2c\u4e00\u6761 /)
    expect(spc.articles.every((a) => a.chapter === null)).toBe(true)
    const tourism = committed.find((l) => l.id === 'tourism-law')!
    expect(tourism.articles.find((a) => a.number === 9)?.chapter).toBe('\u7b2c\u4e8c\u7ae0 \u65c5\u6e38\u8005')
  })

  it('has no zero-width-space lines in any article', () => {
    for (const law of committed) for (const a of law.articles) expect(a.zh).not.toMatch(/^\u200b*$/m)
  })

  it.runIf(existsSync(SHARED_REGULATIONS_DIR))('equals a fresh import of ../shared/regulations/zh byte for byte', () => {
    const fresh = importLaws(SHARED_REGULATIONS_DIR)
    expect(fresh.map((l) => l.id).sort()).toEqual(committed.map((l) => l.id).sort())
    for (const law of fresh) {
      const file = readFileSync(join(KNOWLEDGE_DIR, 'laws', `${law.id}.json`), 'utf8')
      expect(file, `${law.id}.json is stale: run npm run knowledge:build`).toBe(JSON.stringify(law, null, 2) + '\n')
    }
  })

  it.runIf(existsSync(SHARED_REGULATIONS_DIR))('quotes every article verbatim: each paragraph is a whole line of the source', () => {
    for (const law of committed) {
      const sourceLines = new Set(readFileSync(join(SHARED_REGULATIONS_DIR, `${law.id}.md`), 'utf8').split('\n'))
      for (const article of law.articles) {
        for (const paragraph of article.zh.split('\n')) {
          expect(sourceLines.has(paragraph), `${law.id}:${article.number}`).toBe(true)
        }
      }
    }
  })

  it('CI has the regulation sources beside the repo', () => {
    if (process.env.CI) expect(existsSync(SHARED_REGULATIONS_DIR)).toBe(true)
  })
})

describe('parseChineseNumeral', () => {
  it.each([
    ['\u5341', 10],
    ['\u4e09\u5341\u4e94', 35],
    ['\u4e00\u767e\u96f6\u4e09', 103],
    ['\u4e00\u5343\u4e00\u767e\u4e03\u5341\u4e5d', 1179],
    ['\u4e94\u4e07', 50000],
    ['\u4e8c\u767e\u4e8c\u5341', 220],
  ])('%s → %i', (text, value) => expect(parseChineseNumeral(text)).toBe(value))

  it('refuses what is not a numeral', () => expect(parseChineseNumeral('\u6761')).toBeNull())
})
