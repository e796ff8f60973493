import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_DENSE_INDEX,
  DEFAULT_MODEL_DIR,
  loadConsultationRuntime,
  loadDenseIndex,
} from '../src/adapters/node/consultation-runtime.js'
import { loadStaticEmbedder } from '../src/adapters/node/model-files.js'
import type { Embedder } from '../src/core/embedding/embedder.js'
import { DenseIndex, DenseIndexMismatchError } from '../src/core/retrieval/dense-index.js'
import { HybridRetriever } from '../src/core/retrieval/retriever.js'
import { postChat, testApp, testRuntime } from './support/runtime.js'

const runtime = testRuntime()
const bundledModel = loadStaticEmbedder(DEFAULT_MODEL_DIR)

/** A toy model: 8 dimensions from character codes, enough to check storage and refusal. */
const toyEmbedder: Embedder = {
  modelId: 'toy-model',
  dimension: 8,
  async embed(texts) {
    return texts.map((text) => {
      const v = new Float32Array(8)
      for (const ch of text) v[ch.codePointAt(0)! % 8]! += 1
      const norm = Math.hypot(...v) || 1
      return v.map((x) => x / norm)
    })
  },
}

describe('dense index', () => {
  it('is committed fresh: built with the bundled model over the committed knowledge', () => {
    const index = loadDenseIndex(DEFAULT_DENSE_INDEX)
    expect(index.header.modelId).toBe(bundledModel.modelId)
    expect(index.header.knowledgeHash).toBe(runtime.knowledge.hash)
    expect(index.size).toBe(runtime.knowledge.articleCount + runtime.knowledge.cards.size)
  })

  it('stores and reloads vectors so the nearest entries stay the same', async () => {
    const index = await DenseIndex.build(runtime.knowledge, toyEmbedder)
    const again = DenseIndex.decode(index.toBytes())
    const [query] = await toyEmbedder.embed(['导游强迫购物'], 'query')
    expect(again.nearest(query!, 10, 'article')).toEqual(index.nearest(query!, 10, 'article'))
    expect(again.nearest(query!, 3, 'card').every((h) => runtime.knowledge.cards.has(h.id))).toBe(true)
  })

  it('refuses an index made with another model or for other knowledge, and says what to run', async () => {
    const index = await DenseIndex.build(runtime.knowledge, toyEmbedder)
    expect(() => new HybridRetriever(runtime.keyword, index, bundledModel)).toThrow(/model "toy-model".*npm run index:build/)
    const other = DenseIndex.decode(DenseIndex.encode({ ...index.header, modelId: bundledModel.modelId, knowledgeHash: 'abc123' }, new Float32Array(index.size * 8)))
    expect(() => other.assertMatches(bundledModel.modelId, runtime.knowledge.hash)).toThrow(DenseIndexMismatchError)
    expect(() => other.assertMatches(bundledModel.modelId, runtime.knowledge.hash)).toThrow(/knowledge abc123.*npm run index:build/)
  })

  it('stops the start on a stale, damaged or missing index file with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabao-dense-'))
    const stale = join(dir, 'stale.bin')
    const bytes = readFileSync(DEFAULT_DENSE_INDEX)
    const index = DenseIndex.decode(new Uint8Array(bytes))
    writeFileSync(stale, DenseIndex.encode({ ...index.header, knowledgeHash: 'old0000' }, new Float32Array(index.size * index.header.dimension)))
    const options = { cacheDir: join(tmpdir(), 'fabao-test-index-cache'), embedder: bundledModel }
    expect(() => loadConsultationRuntime({ ...options, denseIndexFile: stale })).toThrow(/knowledge old0000.*index:build/)
    const truncated = join(dir, 'truncated.bin')
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100))
    expect(() => loadConsultationRuntime({ ...options, denseIndexFile: truncated })).toThrow(/truncated/)
    expect(() => loadConsultationRuntime({ ...options, denseIndexFile: join(dir, 'none.bin') })).toThrow(/npm run index:build/)
  })
})

describe('hybrid retrieval', () => {
  it('is what answers use by default', () => {
    expect(runtime.retriever).toBe(runtime.hybrid)
    expect(runtime.hybrid!.embedder.modelId).toBe(bundledModel.modelId)
  })

  it('carries the dense similarity of each ranked article and the nearest cards', async () => {
    const retrieval = await runtime.retriever.retrieve('my passport was stolen at the hotel', 'en')
    expect(retrieval.ranked.some((r) => r.similarity > 0)).toBe(true)
    expect(retrieval.cards.length).toBe(3)
  })

  it('answers a glossary phrase split by a pronoun (导游强迫我们购物) and cites the forced-shopping articles', async () => {
    // 强迫购物 with 我们 inside must still be the glossary concept, and the topic article ranked first (tourism-law:35,
    // below the keyword fusion depth) keeps the evidence its keyword match gives — the answer must not fall to "none".
    const { app } = testApp()
    const { json } = await postChat(app, { message: '导游强迫我们购物怎么办' })
    expect(['high', 'possible']).toContain(json.confidence)
    const cited = json.citations.map((c: { lawId: string; article: number }) => `${c.lawId}:${c.article}`)
    expect(cited.some((id: string) => id === 'tourism-law:35' || id === 'tourism-law:41')).toBe(true)
  })

  // Paraphrases keyword search alone misses (not in its top 10) that the dense ranker finds (in its top 10): the
  // articles of the situation topic. Our own wording, not eval questions.
  for (const [lang, question, topicId] of [
    ['en', 'someone stole my passport', 'stay-lost-stolen-passport'],
    ['zh', '护照让小偷偷走了', 'stay-lost-stolen-passport'],
    ['ru', 'экскурсовод смылся, мы остались одни', 'tour-guide-abandoned-group'],
  ] as const) {
    it(`finds a ${lang} paraphrase keyword search misses: ${question}`, async () => {
      const wanted = runtime.knowledge.topics.find((t) => t.id === topicId)!.articles
      const keyword = runtime.keyword.rank(question, lang, 10).ranked.map((r) => r.id)
      expect(keyword.some((id) => wanted.includes(id))).toBe(false)
      const dense = runtime.hybrid!.dense.nearest(await runtime.hybrid!.embedQuestion(question), 10, 'article').map((h) => h.id)
      expect(dense.some((id) => wanted.includes(id))).toBe(true)
    })
  }
})
