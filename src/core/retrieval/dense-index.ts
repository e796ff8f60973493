import { z } from 'zod'
import type { Embedder } from '../embedding/embedder.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { LANGS, type Lang } from '../knowledge/schema.js'

/**
 * Precomputed vectors of every article and guidance card, made at build time (`npm run index:build`) with one
 * embedding model over one version of knowledge/. Stored as:
 *
 *   0  4 bytes  magic "FBDI"
 *   4  uint32   byte length H of the JSON header (UTF-8)
 *   8  H bytes  header: DenseIndexHeader
 *   8+H        per entry: float32 scale, then `dimension` int8 values; value = int8 * scale
 *              (entries padded so every float32 starts on a 4-byte boundary)
 */
export const DENSE_INDEX_FORMAT = 1
const MAGIC = 'FBDI'

const HeaderSchema = z.object({
  format: z.literal(DENSE_INDEX_FORMAT),
  modelId: z.string().min(1),
  knowledgeHash: z.string().min(1),
  dimension: z.number().int().positive(),
  /** `article:<lawId>:<n>` or `card:<cardId>`, in storage order. */
  ids: z.array(z.string().min(1)),
})
export type DenseIndexHeader = z.infer<typeof HeaderSchema>

export interface DenseHit {
  id: string
  similarity: number
}

/** Why an index cannot be used with this model and knowledge; the message says what to run. */
export class DenseIndexMismatchError extends Error {
  override readonly name = 'DenseIndexMismatchError'
}

/**
 * The text embedded for an article: the law's short title, the article in Chinese, Russian and English, then the
 * everyday words for it from knowledge/ — the trigger phrases (zh, ru, en) of the situation topics that list it, and
 * the colloquial zh/ru/en variants of the glossary concepts whose statute wording it contains. A question put in
 * a tourist's words lands near the article through them. `keepTrigger` leaves phrases out (the model build's
 * held-out check).
 */
export function articlePassage(
  knowledge: KnowledgeBase,
  id: string,
  keepTrigger: (topicId: string, lang: Lang, phrase: string) => boolean = () => true,
): string {
  const record = knowledge.articles.get(id)
  if (!record) throw new Error(`unknown article ${id}`)
  const { law, article } = record
  const triggers = knowledge.topics
    .filter((t) => t.articles.includes(id))
    .flatMap((t) => LANGS.flatMap((l) => t.triggers[l].filter((p) => keepTrigger(t.id, l, p))))
  const concepts = knowledge.glossary
    .filter((e) => e.kind === 'concept' && e.zh.some((term) => article.zh.includes(term)))
    .flatMap((e) => [...e.zhColloquial, ...e.ru, ...e.en])
  return [law.titles.zh.short, article.zh, record.translations.ru ?? '', record.translations.en ?? '', ...triggers, ...concepts]
    .filter(Boolean)
    .join('\n')
}

/** The text embedded for a card: title, answer and steps in all three languages. */
export function cardPassage(knowledge: KnowledgeBase, cardId: string): string {
  const card = knowledge.cards.get(cardId)
  if (!card) throw new Error(`unknown card ${cardId}`)
  return LANGS.map((l) => [card.text[l].title, card.text[l].answer, ...card.text[l].steps].join('\n')).join('\n')
}

export class DenseIndex {
  private constructor(
    readonly header: DenseIndexHeader,
    /** n × dimension, dequantized at load. */
    private readonly vectors: Float32Array,
    /** The stored form, kept so saving a loaded index writes the same bytes. */
    private readonly bytes: Uint8Array,
  ) {}

  get modelId(): string {
    return this.header.modelId
  }

  get size(): number {
    return this.header.ids.length
  }

  /** Embeds every article and card of the knowledge with the embedder, in batches. */
  static async build(knowledge: KnowledgeBase, embedder: Embedder, batch = 64): Promise<DenseIndex> {
    const ids = [...[...knowledge.articles.keys()].map((id) => `article:${id}`), ...[...knowledge.cards.keys()].map((id) => `card:${id}`)]
    const texts = ids.map((id) => (id.startsWith('article:') ? articlePassage(knowledge, id.slice(8)) : cardPassage(knowledge, id.slice(5))))
    const vectors = new Float32Array(ids.length * embedder.dimension)
    for (let i = 0; i < texts.length; i += batch) {
      const out = await embedder.embed(texts.slice(i, i + batch), 'passage')
      out.forEach((v, j) => vectors.set(v, (i + j) * embedder.dimension))
    }
    const header = { format: DENSE_INDEX_FORMAT, modelId: embedder.modelId, knowledgeHash: knowledge.hash, dimension: embedder.dimension, ids } as const
    // Round-trip through the stored form so a built index and a loaded one rank identically.
    return DenseIndex.decode(DenseIndex.encode(header, vectors))
  }

  static encode(header: DenseIndexHeader, vectors: Float32Array): Uint8Array {
    const json = new TextEncoder().encode(JSON.stringify(header))
    const headerBytes = 8 + json.length
    const start = Math.ceil(headerBytes / 4) * 4
    const entry = 4 + Math.ceil(header.dimension / 4) * 4
    const bytes = new Uint8Array(start + entry * header.ids.length)
    const view = new DataView(bytes.buffer)
    for (let i = 0; i < 4; i++) bytes[i] = MAGIC.charCodeAt(i)
    view.setUint32(4, json.length, true)
    bytes.set(json, 8)
    const d = header.dimension
    for (let n = 0; n < header.ids.length; n++) {
      let max = 0
      for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(vectors[n * d + j]!))
      const scale = max > 0 ? max / 127 : 1
      const at = start + n * entry
      view.setFloat32(at, scale, true)
      for (let j = 0; j < d; j++) view.setInt8(at + 4 + j, Math.round(vectors[n * d + j]! / scale))
    }
    return bytes
  }

  static decode(bytes: Uint8Array): DenseIndex {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const magic = String.fromCharCode(...bytes.subarray(0, 4))
    if (magic !== MAGIC) throw new DenseIndexMismatchError('not a dense index file (bad magic)')
    const length = view.getUint32(4, true)
    const header = HeaderSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))))
    if (!header.success) throw new DenseIndexMismatchError(`dense index of another format: ${header.error.issues[0]?.message ?? ''}`)
    const { dimension: d, ids } = header.data
    const start = Math.ceil((8 + length) / 4) * 4
    const entry = 4 + Math.ceil(d / 4) * 4
    if (bytes.byteLength !== start + entry * ids.length) throw new DenseIndexMismatchError('dense index file is truncated')
    const vectors = new Float32Array(ids.length * d)
    for (let n = 0; n < ids.length; n++) {
      const at = start + n * entry
      const scale = view.getFloat32(at, true)
      let norm = 0
      for (let j = 0; j < d; j++) {
        const v = view.getInt8(at + 4 + j) * scale
        vectors[n * d + j] = v
        norm += v * v
      }
      // Quantization moves the norm slightly; renormalise so similarities stay cosines.
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0
      for (let j = 0; j < d; j++) vectors[n * d + j]! *= inv
    }
    return new DenseIndex(header.data, vectors, bytes)
  }

  toBytes(): Uint8Array {
    return this.bytes
  }

  /** Refuses an index made with another model or another version of knowledge/, saying what to run. */
  assertMatches(modelId: string, knowledgeHash: string): void {
    if (this.header.modelId !== modelId) {
      throw new DenseIndexMismatchError(
        `the dense index was built with model "${this.header.modelId}" but the model loaded is "${modelId}"; run npm run index:build`,
      )
    }
    if (this.header.knowledgeHash !== knowledgeHash) {
      throw new DenseIndexMismatchError(
        `the dense index was built for knowledge ${this.header.knowledgeHash} but knowledge/ is now ${knowledgeHash}; run npm run index:build`,
      )
    }
  }

  /** The entries nearest to a query vector, best first; `kind` keeps articles or cards only. */
  nearest(query: Float32Array, limit: number, kind: 'article' | 'card'): DenseHit[] {
    const { dimension: d, ids } = this.header
    const prefix = `${kind}:`
    const hits: DenseHit[] = []
    for (let n = 0; n < ids.length; n++) {
      const id = ids[n]!
      if (!id.startsWith(prefix)) continue
      let s = 0
      const base = n * d
      for (let j = 0; j < d; j++) s += query[j]! * this.vectors[base + j]!
      hits.push({ id: id.slice(prefix.length), similarity: s })
    }
    hits.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1))
    return hits.slice(0, limit)
  }
}
