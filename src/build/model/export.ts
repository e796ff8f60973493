import { createHash } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { encodeMatrix, MATRIX_FORMAT_VERSION, type FabaoModelMeta, type QuantizedTable } from '../../core/embedding/static-embedder.js'
import { encodeOnnxModel, float32Raw, int64Raw, OnnxType } from './onnx-writer.js'

/**
 * Writes a static embedding model as a folder transformers.js 2.17 loads (`feature-extraction`, local files only)
 * and as the compact matrix the pure-JS StaticEmbedder reads. Both hold the same quantized token table.
 */

export const PAD_TOKEN = '[PAD]'
export const UNK_TOKEN = '[UNK]'
export const SPECIAL_TOKENS = [PAD_TOKEN, UNK_TOKEN] as const
export const ZERO_POINT = 128

export interface ModelExport {
  /** Token of each id; ids 0 and 1 must be [PAD] and [UNK]. */
  vocab: readonly string[]
  /** Row-major float table, vocab.length × dimension. */
  table: Float32Array
  dimension: number
  /** model_max_length: tokens beyond it are cut (by transformers.js and by StaticEmbedder alike). */
  maxTokens: number
  /** WordPiece max_input_chars_per_word: a longer pre-token becomes [UNK]. */
  maxInputCharsPerWord: number
  /** Prefix of the model id, e.g. "fabao-static". */
  name: string
  /** Free-form description of how the table was made (fabao.json "build"). */
  build: Record<string, unknown>
}

/** Symmetric per-row 8-bit quantization: value = (q - 128) * scale, q in 1..255. */
export function quantizeTable(table: Float32Array, vocabSize: number, dimension: number): QuantizedTable {
  const q = new Uint8Array(vocabSize * dimension)
  const scales = new Float32Array(vocabSize)
  for (let i = 0; i < vocabSize; i++) {
    let max = 0
    for (let j = 0; j < dimension; j++) max = Math.max(max, Math.abs(table[i * dimension + j]!))
    const scale = Math.fround(max / 127)
    scales[i] = scale
    for (let j = 0; j < dimension; j++) {
      const v = scale === 0 ? 0 : Math.round(table[i * dimension + j]! / scale)
      q[i * dimension + j] = Math.max(1, Math.min(255, v + ZERO_POINT))
    }
  }
  return { vocabSize, dimension, zeroPoint: ZERO_POINT, scales, q }
}

export function tokenizerJson(vocab: readonly string[], maxInputCharsPerWord: number): Record<string, unknown> {
  if (vocab[0] !== PAD_TOKEN || vocab[1] !== UNK_TOKEN) throw new Error('vocab must start with [PAD], [UNK]')
  const map: Record<string, number> = {}
  vocab.forEach((token, id) => {
    if (token in map) throw new Error(`vocab: ${token} appears twice`)
    map[token] = id
  })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    // No accent stripping: й/ё stay distinct from и/е. NFKC folds full-width forms (，？１) to ASCII.
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: UNK_TOKEN,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: maxInputCharsPerWord,
      vocab: map,
    },
  }
}

function onnxModel(t: QuantizedTable, docString: string): Uint8Array {
  const { vocabSize: v, dimension: d } = t
  return encodeOnnxModel(
    {
      name: 'fabao_static_embedding',
      inputs: [
        { name: 'input_ids', type: OnnxType.INT64, shape: ['batch_size', 'sequence_length'] },
        { name: 'attention_mask', type: OnnxType.INT64, shape: ['batch_size', 'sequence_length'] },
      ],
      outputs: [{ name: 'last_hidden_state', type: OnnxType.FLOAT, shape: ['batch_size', 'sequence_length', d] }],
      initializers: [
        { name: 'table_q', type: OnnxType.UINT8, dims: [v, d], raw: t.q },
        { name: 'table_scale', type: OnnxType.FLOAT, dims: [v, 1], raw: float32Raw(t.scales) },
        { name: 'zero_point', type: OnnxType.FLOAT, dims: [], raw: float32Raw([t.zeroPoint]) },
        { name: 'last_axis', type: OnnxType.INT64, dims: [1], raw: int64Raw([2]) },
      ],
      nodes: [
        { op: 'Gather', name: 'gather_q', inputs: ['table_q', 'input_ids'], outputs: ['rows_q'], attributes: [{ name: 'axis', int: 0 }] },
        { op: 'Cast', name: 'cast_q', inputs: ['rows_q'], outputs: ['rows_f'], attributes: [{ name: 'to', int: OnnxType.FLOAT }] },
        { op: 'Sub', name: 'center', inputs: ['rows_f', 'zero_point'], outputs: ['rows_c'] },
        { op: 'Gather', name: 'gather_scale', inputs: ['table_scale', 'input_ids'], outputs: ['scale'], attributes: [{ name: 'axis', int: 0 }] },
        { op: 'Cast', name: 'cast_mask', inputs: ['attention_mask'], outputs: ['mask_f'], attributes: [{ name: 'to', int: OnnxType.FLOAT }] },
        { op: 'Unsqueeze', name: 'mask_axis', inputs: ['mask_f', 'last_axis'], outputs: ['mask_e'] },
        { op: 'Mul', name: 'masked_scale', inputs: ['scale', 'mask_e'], outputs: ['scale_m'] },
        { op: 'Mul', name: 'dequantize', inputs: ['rows_c', 'scale_m'], outputs: ['last_hidden_state'] },
      ],
    },
    { producer: 'fabao', producerVersion: '1', docString },
  )
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`)

/** Every file of the model folder, by relative path. Deterministic: same input, same bytes. */
export function buildModelFiles(input: ModelExport): { files: Map<string, Uint8Array>; meta: FabaoModelMeta } {
  const { vocab, dimension } = input
  if (input.table.length !== vocab.length * dimension) throw new Error('table size ≠ vocab × dimension')
  const quantized = quantizeTable(input.table, vocab.length, dimension)
  const matrix = encodeMatrix(quantized)
  const tokenizer = json(tokenizerJson(vocab, input.maxInputCharsPerWord))
  const hash = createHash('sha256').update(matrix).update(tokenizer).digest('hex').slice(0, 10)
  const modelId = `${input.name}-${hash}`
  const meta: FabaoModelMeta = {
    format: 'fabao-static-embedding',
    formatVersion: MATRIX_FORMAT_VERSION,
    modelId,
    dimension,
    vocabSize: vocab.length,
    pooling: 'mean',
    normalize: true,
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: input.maxTokens,
    matrix: 'matrix.bin',
    build: input.build,
  }
  const files = new Map<string, Uint8Array>([
    ['config.json', json({
      _name_or_path: modelId,
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: dimension,
      vocab_size: vocab.length,
      max_position_embeddings: input.maxTokens,
      num_hidden_layers: 0,
      num_attention_heads: 1,
      pad_token_id: 0,
      note: 'Static token embeddings (a quantized lookup table), not a transformer; see fabao.json.',
    })],
    ['tokenizer.json', tokenizer],
    ['tokenizer_config.json', json({
      tokenizer_class: 'BertTokenizer',
      model_max_length: input.maxTokens,
      pad_token: PAD_TOKEN,
      unk_token: UNK_TOKEN,
      do_lower_case: true,
      clean_up_tokenization_spaces: true,
    })],
    ['onnx/model_quantized.onnx', onnxModel(quantized, `${modelId}: gather of an 8-bit token table, per-row float scale`)],
    ['matrix.bin', matrix],
    ['fabao.json', json(meta)],
  ])
  return { files, meta }
}

/** Replaces `dir` with the model files. */
export function writeModelFolder(dir: string, files: Map<string, Uint8Array>): void {
  rmSync(dir, { recursive: true, force: true })
  for (const [name, bytes] of files) {
    const path = join(dir, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, bytes)
  }
}
