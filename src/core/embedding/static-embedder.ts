import { z } from 'zod'
import type { EmbedKind, Embedder } from './embedder.js'
import { WordPieceTokenizer } from './wordpiece.js'

/**
 * Our static embedding model without onnxruntime (Cloudflare Workers): the same quantized token table as
 * `onnx/model_quantized.onnx`, read from `matrix.bin`, and the same arithmetic as transformers.js
 * (`feature-extraction`, pooling "mean", normalize true): dequantize each token's row in float32, average over the
 * tokens, L2-normalise.
 *
 * matrix.bin (little-endian):
 *   0  4 bytes  magic "FBSE"
 *   4  uint32   format version (1)
 *   8  uint32   vocabulary size V (rows; row i = token id i of tokenizer.json)
 *  12  uint32   dimension D
 *  16  uint32   zero point Z (128)
 *  20  float32  scale[V]
 *  20+4V uint8  q[V*D], row-major; value(i, j) = (q[i*D+j] - Z) * scale[i]
 */

export const MATRIX_MAGIC = 'FBSE'
export const MATRIX_FORMAT_VERSION = 1
export const MATRIX_HEADER_BYTES = 20

export const FabaoModelMetaSchema = z.object({
  format: z.literal('fabao-static-embedding'),
  formatVersion: z.literal(MATRIX_FORMAT_VERSION),
  modelId: z.string().min(1),
  dimension: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls']),
  normalize: z.boolean(),
  queryPrefix: z.string(),
  passagePrefix: z.string(),
  /** Tokens per text after which the rest is cut (tokenizer_config.json model_max_length). */
  maxTokens: z.number().int().positive(),
  matrix: z.string().min(1),
  build: z.record(z.string(), z.unknown()).optional(),
})
export type FabaoModelMeta = z.infer<typeof FabaoModelMetaSchema>

export interface QuantizedTable {
  vocabSize: number
  dimension: number
  zeroPoint: number
  scales: Float32Array
  q: Uint8Array
}

export function encodeMatrix(table: QuantizedTable): Uint8Array {
  const { vocabSize, dimension } = table
  if (table.scales.length !== vocabSize || table.q.length !== vocabSize * dimension) throw new Error('matrix: sizes disagree')
  const bytes = new Uint8Array(MATRIX_HEADER_BYTES + 4 * vocabSize + vocabSize * dimension)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < 4; i++) bytes[i] = MATRIX_MAGIC.charCodeAt(i)
  view.setUint32(4, MATRIX_FORMAT_VERSION, true)
  view.setUint32(8, vocabSize, true)
  view.setUint32(12, dimension, true)
  view.setUint32(16, table.zeroPoint, true)
  for (let i = 0; i < vocabSize; i++) view.setFloat32(MATRIX_HEADER_BYTES + 4 * i, table.scales[i]!, true)
  bytes.set(table.q, MATRIX_HEADER_BYTES + 4 * vocabSize)
  return bytes
}

export function decodeMatrix(data: Uint8Array | ArrayBuffer): QuantizedTable {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  if (bytes.length < MATRIX_HEADER_BYTES) throw new Error('matrix: shorter than its header')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!)
  if (magic !== MATRIX_MAGIC) throw new Error(`matrix: magic is ${JSON.stringify(magic)}, not ${MATRIX_MAGIC}`)
  const version = view.getUint32(4, true)
  if (version !== MATRIX_FORMAT_VERSION) throw new Error(`matrix: format version ${version}, expected ${MATRIX_FORMAT_VERSION}`)
  const vocabSize = view.getUint32(8, true)
  const dimension = view.getUint32(12, true)
  const zeroPoint = view.getUint32(16, true)
  const expected = MATRIX_HEADER_BYTES + 4 * vocabSize + vocabSize * dimension
  if (bytes.length !== expected) throw new Error(`matrix: ${bytes.length} bytes, expected ${expected} for ${vocabSize}×${dimension}`)
  const scales = new Float32Array(vocabSize)
  for (let i = 0; i < vocabSize; i++) scales[i] = view.getFloat32(MATRIX_HEADER_BYTES + 4 * i, true)
  const q = bytes.subarray(MATRIX_HEADER_BYTES + 4 * vocabSize)
  return { vocabSize, dimension, zeroPoint, scales, q }
}

export interface StaticModelData {
  /** Parsed tokenizer.json. */
  tokenizer: unknown
  /** Parsed tokenizer_config.json; when absent, `{ model_max_length: meta.maxTokens }`. */
  tokenizerConfig?: unknown
  /** Parsed fabao.json. */
  meta: unknown
  /** Contents of matrix.bin. */
  matrix: Uint8Array | ArrayBuffer
}

export class StaticEmbedder implements Embedder {
  readonly modelId: string
  readonly dimension: number
  readonly meta: FabaoModelMeta
  readonly tokenizer: WordPieceTokenizer
  private readonly table: QuantizedTable

  constructor(data: StaticModelData) {
    this.meta = FabaoModelMetaSchema.parse(data.meta)
    this.tokenizer = new WordPieceTokenizer(data.tokenizer, data.tokenizerConfig ?? { model_max_length: this.meta.maxTokens })
    this.table = decodeMatrix(data.matrix)
    if (this.table.dimension !== this.meta.dimension) {
      throw new Error(`matrix dimension ${this.table.dimension} ≠ fabao.json dimension ${this.meta.dimension}`)
    }
    if (this.table.vocabSize !== this.meta.vocabSize || this.tokenizer.vocabSize > this.table.vocabSize) {
      throw new Error(`matrix has ${this.table.vocabSize} rows; fabao.json says ${this.meta.vocabSize}, tokenizer.json needs ${this.tokenizer.vocabSize}`)
    }
    this.modelId = this.meta.modelId
    this.dimension = this.meta.dimension
  }

  async embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
    const prefix = kind === 'query' ? this.meta.queryPrefix : this.meta.passagePrefix
    return texts.map((text) => this.embedIds(this.tokenizer.encode(prefix + text)))
  }

  /** Mean (or first-token) pooling of dequantized rows, then L2 norm, in the order of operations transformers.js uses. */
  embedIds(ids: readonly number[]): Float32Array {
    const { dimension: d, q, scales, zeroPoint } = this.table
    const out = new Float32Array(d)
    const used = this.meta.pooling === 'cls' ? ids.slice(0, 1) : ids
    if (used.length === 0) return out
    const sum = new Float64Array(d)
    for (const id of used) {
      const scale = scales[id]!
      const base = id * d
      for (let j = 0; j < d; j++) sum[j]! += Math.fround((q[base + j]! - zeroPoint) * scale)
    }
    for (let j = 0; j < d; j++) out[j] = sum[j]! / used.length
    if (!this.meta.normalize) return out
    let squares = 0
    for (let j = 0; j < d; j++) squares += out[j]! * out[j]!
    const norm = Math.fround(Math.sqrt(squares))
    if (norm === 0) return out.fill(0)
    for (let j = 0; j < d; j++) out[j] = out[j]! / norm
    return out
  }
}
