import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKnowledgeBundle } from '../src/adapters/node/knowledge-files.js'
import { checkModelFolder, DEFAULT_MODEL_SUBDIR, loadStaticEmbedder } from '../src/adapters/node/model-files.js'
import { loadTransformersEmbedder } from '../src/adapters/node/transformers-embedder.js'
import { buildModelFiles, writeModelFolder } from '../src/build/model/export.js'
import { REPO_ROOT, KNOWLEDGE_DIR } from '../src/cli/paths.js'
import type { Embedder } from '../src/core/embedding/embedder.js'
import type { StaticEmbedder } from '../src/core/embedding/static-embedder.js'

const tmp = mkdtempSync(join(tmpdir(), 'fabao-embedding-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A toy model whose rows quantize exactly (row max 127 → scale 1), so the expected vectors are known by hand. */
function writeToyModel(dir: string): void {
  const vocab = ['[PAD]', '[UNK]', 'shop', '##ping', 'тур', '##ист', '购物', '##购物', '强', '##迫', 'й', 'и']
  const rows: Record<string, number[]> = {
    shop: [127, 0, 0, 0],
    '##ping': [0, 127, 0, 0],
    тур: [0, 0, 127, 0],
    '##ист': [0, 0, 0, 127],
    购物: [127, 127, 0, 0],
    '##购物': [127, 127, 0, 0],
    强: [0, 0, 127, 127],
    '##迫': [-127, 0, 0, 0],
    й: [0, 0, 0, 127],
    и: [0, 0, 127, 0],
  }
  const table = new Float32Array(vocab.length * 4)
  vocab.forEach((token, id) => table.set(rows[token] ?? [0, 0, 0, 0], id * 4))
  const { files } = buildModelFiles({ vocab, table, dimension: 4, maxTokens: 64, maxInputCharsPerWord: 100, name: 'toy', build: {} })
  writeModelFolder(dir, files)
}

const close = (actual: Float32Array, expected: number[]) => {
  expect(actual.length).toBe(expected.length)
  expected.forEach((x, i) => expect(actual[i]).toBeCloseTo(x, 6))
}

describe('toy model folder written by the exporter', () => {
  const dir = join(tmp, 'toy')
  writeToyModel(dir)
  const texts = ['Shopping', 'Туристы', '强迫购物', 'тур shop', 'й', 'и', 'zzz']
  const s = Math.SQRT1_2
  const third = 1 / Math.sqrt(3)
  const expected = [
    [s, s, 0, 0], // shop + ##ping
    [0, 0, 0, 0], // "##ы" is not in the vocabulary: the whole word is [UNK], a zero row
    [0, third, third, third], // 强 + ##迫 + ##购物 = (0,0,127,127) + (-127,0,0,0) + (127,127,0,0)
    [s, 0, s, 0], // тур, shop
    [0, 0, 0, 1],
    [0, 0, 1, 0],
    [0, 0, 0, 0], // [UNK] only
  ]

  it('is read identically by transformers.js and by the pure-JS embedder, with the expected vectors', async () => {
    const viaTransformers = await loadTransformersEmbedder({ modelDir: dir })
    const pure = loadStaticEmbedder(dir)
    expect(viaTransformers.dimension).toBe(4)
    expect(viaTransformers.modelId).toBe(pure.modelId)
    expect(pure.modelId).toMatch(/^toy-[0-9a-f]{10}$/)
    const a = await viaTransformers.embed(texts, 'query')
    const b = await pure.embed(texts, 'passage')
    texts.forEach((_, i) => {
      close(a[i]!, expected[i]!)
      close(b[i]!, expected[i]!)
    })
    expect(pure.tokenizer.tokenize('Туристы тур')).toEqual(['[UNK]', 'тур'])
  })

  it('checkModelFolder names what a folder without tokenizer.json lacks', () => {
    const broken = join(tmp, 'broken')
    writeToyModel(broken)
    expect(checkModelFolder(broken)).toEqual([])
    rmSync(join(broken, 'tokenizer.json'))
    const problems = checkModelFolder(broken)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.join('\n')).toMatch(/missing tokenizer\.json/)
  })
})

describe('bundled model (knowledge/model/fabao-static)', () => {
  const dir = join(REPO_ROOT, DEFAULT_MODEL_SUBDIR)
  let viaTransformers: Embedder
  let pure: StaticEmbedder
  beforeAll(async () => {
    viaTransformers = await loadTransformersEmbedder({ modelDir: dir })
    pure = loadStaticEmbedder(dir)
  })

  const texts = [
    '导游带我们去玉器店，三个小时不让走',
    '不买东西就不让上车',
    '饭店按斤称海鲜，结账时价格比菜单贵很多',
    '买到假名牌包，商家不给退款',
    '网购的商品七天无理由退货',
    '签证过期了三天会被罚款吗',
    '护照丢了怎么办',
    '出租车司机不打表，多收了钱',
    '酒店押金不退',
    '在商场摔倒受伤，谁负责',
    'Гид завёз нас в магазин нефрита на три часа',
    'В ресторане взвесили рыбу и взяли в три раза больше',
    'Продали поддельную шубу из норки, хочу вернуть деньги',
    'Я просрочил визу на два дня, какой штраф?',
    'Как вернуть товар, купленный в интернете?',
    'Таксист не включил счётчик',
    'Меня заставили покупать чай на экскурсии',
    'Где найти бесплатную юридическую помощь?',
    'Ёлочные игрушки оказались бракованными',
    'They dumped us in a jade shop for three hours',
    'The restaurant charged us far more than the menu price for seafood',
    'I bought a fake designer bag and the shop refuses a refund',
    'My visa expired two days ago, what is the fine?',
    'How do I return goods bought online within seven days?',
    'The taxi driver refused to use the meter',
    'The tour guide threatened us when we did not buy anything',
    'The hotel will not return my deposit',
    'I slipped in a shopping mall and was injured',
    'Can I go to arbitration or court over a tour contract?',
    '12315 消费者投诉 complaint жалоба',
  ]

  it('gives the same vectors through transformers.js and the pure-JS embedder (|Δ| < 1e-4)', async () => {
    expect(viaTransformers.modelId).toBe(pure.modelId)
    expect(viaTransformers.dimension).toBe(pure.dimension)
    const a = await viaTransformers.embed(texts, 'query')
    const b = await pure.embed(texts, 'query')
    let worst = 0
    texts.forEach((_, i) => {
      for (let j = 0; j < pure.dimension; j++) worst = Math.max(worst, Math.abs(a[i]![j]! - b[i]![j]!))
      let norm = 0
      for (const x of b[i]!) norm += x * x
      expect(norm).toBeCloseTo(1, 5)
    })
    expect(worst).toBeLessThan(1e-4)
  })

  it('ranks the same top-10 articles by either path', async () => {
    const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
    const laws = ['tourism-law', 'consumer-rights-protection-law', 'price-law', 'exit-entry-administration-law', 'travel-agency-regulation']
    const articles = bundle.laws
      .filter((l) => laws.includes(l.id))
      .flatMap((l) => l.articles.map((a) => ({ id: `${l.id}:${a.number}`, zh: a.zh })))
      .slice(0, 320)
    expect(articles.length).toBeGreaterThan(250)
    const top10 = async (e: Embedder) => {
      const docs = await e.embed(articles.map((a) => a.zh), 'passage')
      const queries = await e.embed(texts, 'query')
      return queries.map((q) =>
        docs
          .map((d, i) => ({ id: articles[i]!.id, score: d.reduce((s, x, j) => s + x * q[j]!, 0) }))
          .sort((x, y) => y.score - x.score)
          .slice(0, 10)
          .map((x) => x.id),
      )
    }
    const [a, b] = [await top10(viaTransformers), await top10(pure)]
    expect(a).toEqual(b)
    // Sanity: the forced-shopping article is among the nearest for the jade-shop paraphrase.
    expect(b[texts.indexOf('They dumped us in a jade shop for three hours')]).toContain('tourism-law:35')
  })

  it('keeps й and ё distinct from и and е', () => {
    expect(pure.tokenizer.tokenize('йогурт')).not.toEqual(pure.tokenizer.tokenize('иогурт'))
    expect(pure.tokenizer.tokenize('ёлка')).not.toEqual(pure.tokenizer.tokenize('елка'))
    expect(pure.tokenizer.tokenize('ЁЛКА')).toEqual(pure.tokenizer.tokenize('ёлка'))
    expect(pure.tokenizer.encode('йогурт')).not.toContain(pure.tokenizer.unkId)
  })
})
