import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { loadKnowledgeBundle } from '../src/adapters/node/knowledge-files.js'
import { KNOWLEDGE_DIR } from '../src/cli/paths.js'
import { articleId } from '../src/core/knowledge/schema.js'

const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
const articles = new Map(bundle.laws.flatMap((law) => law.articles.map((a) => [articleId(law.id, a.number), a.zh])))
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

describe('knowledge data', () => {
  it('has no stale or dangling translation: each entry names an existing article and the hash of its zh text', () => {
    const problems: string[] = []
    for (const file of bundle.translations) {
      for (const [number, entry] of Object.entries(file.articles)) {
        const zh = articles.get(articleId(file.lawId, Number(number)))
        if (!zh) problems.push(`${file.lang}/${file.lawId}:${number} does not exist`)
        else if (entry.zhSha256 !== sha256(zh)) problems.push(`${file.lang}/${file.lawId}:${number} is stale or unstamped`)
      }
    }
    expect(problems).toEqual([])
  })

  it('labels each translation with its own article number', () => {
    for (const file of bundle.translations) {
      for (const [number, entry] of Object.entries(file.articles)) {
        const label = file.lang === 'ru' ? `Статья ${number}.` : `Article ${number}.`
        expect(entry.text.startsWith(label), `${file.lang}/${file.lawId}:${number}`).toBe(true)
      }
    }
  })

  it('has glossary terms that occur in the statutes, with unique ids', () => {
    const all = [...articles.values()].join('\n')
    expect(new Set(bundle.glossary.map((e) => e.id)).size).toBe(bundle.glossary.length)
    const missing = bundle.glossary.flatMap((e) => e.zh.filter((term) => !all.includes(term)).map((t) => `${e.id}: ${t}`))
    expect(missing).toEqual([])
  })

  it('has topics whose articles all exist, with unique ids', () => {
    expect(new Set(bundle.topics.map((t) => t.id)).size).toBe(bundle.topics.length)
    const dangling = bundle.topics.flatMap((t) => t.articles.filter((id) => !articles.has(id)).map((id) => `${t.id}: ${id}`))
    expect(dangling).toEqual([])
  })
})
