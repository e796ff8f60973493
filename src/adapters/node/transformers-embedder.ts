import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { env, pipeline } from '@xenova/transformers'
import type { EmbedKind, Embedder } from '../../core/embedding/embedder.js'

// Never fetch anything: models come from local folders only. Set before any model or tokenizer loads.
env.allowRemoteModels = false
env.allowLocalModels = true

export interface TransformersEmbedderOptions {
  /** A feature-extraction model folder: config.json, tokenizer.json, tokenizer_config.json, onnx/model[_quantized].onnx. */
  modelDir: string
  /** Load onnx/model_quantized.onnx (default) or onnx/model.onnx. */
  quantized?: boolean
  /** Default: fabao.json, else "mean". */
  pooling?: 'mean' | 'cls'
  /** Default: fabao.json, else true. */
  normalize?: boolean
  /** Prepended to each query, e.g. "query: " for E5. Default: fabao.json, else "". */
  queryPrefix?: string
  /** Prepended to each passage, e.g. "passage: " for E5. Default: fabao.json, else "". */
  passagePrefix?: string
  /** Texts per model call (default 16). */
  batchSize?: number
}

interface Defaults {
  modelId?: string
  pooling?: 'mean' | 'cls'
  normalize?: boolean
  queryPrefix?: string
  passagePrefix?: string
}

function readDefaults(dir: string): Defaults {
  const file = join(dir, 'fabao.json')
  if (!existsSync(file)) return {}
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  const str = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : undefined)
  const pooling = meta.pooling === 'cls' || meta.pooling === 'mean' ? meta.pooling : undefined
  const out: Defaults = {}
  if (str('modelId') !== undefined) out.modelId = str('modelId')!
  if (pooling) out.pooling = pooling
  if (typeof meta.normalize === 'boolean') out.normalize = meta.normalize
  if (str('queryPrefix') !== undefined) out.queryPrefix = str('queryPrefix')!
  if (str('passagePrefix') !== undefined) out.passagePrefix = str('passagePrefix')!
  return out
}

interface Tensorish {
  data: Float32Array
  dims: number[]
}
type Extractor = ((texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<Tensorish>) & {
  tokenizer: { encode(text: string): number[] }
}

// transformers.js reads the model path from its global `env`: loads are serialised so two folders never race.
let loading: Promise<unknown> = Promise.resolve()

async function loadExtractor(dir: string, quantized: boolean): Promise<Extractor> {
  const run = loading.then(async () => {
    env.allowRemoteModels = false
    env.allowLocalModels = true
    env.localModelPath = `${dirname(dir)}/`
    return (await pipeline('feature-extraction', basename(dir), { quantized })) as unknown as Extractor
  })
  loading = run.catch(() => undefined)
  return run
}

/**
 * Any feature-extraction model folder (ours, or e.g. a multilingual E5/MiniLM ONNX export) as an Embedder, through
 * transformers.js and onnxruntime-node, from local files only.
 */
export async function loadTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  const dir = resolve(options.modelDir)
  for (const needed of ['config.json', 'tokenizer.json']) {
    if (!existsSync(join(dir, needed))) throw new Error(`${dir}: no ${needed}; not a transformers.js model folder`)
  }
  const quantized = options.quantized ?? true
  const onnx = join(dir, 'onnx', quantized ? 'model_quantized.onnx' : 'model.onnx')
  if (!existsSync(onnx)) throw new Error(`${dir}: no ${onnx.slice(dir.length + 1)}`)
  const defaults = readDefaults(dir)
  const pooling = options.pooling ?? defaults.pooling ?? 'mean'
  const normalize = options.normalize ?? defaults.normalize ?? true
  const queryPrefix = options.queryPrefix ?? defaults.queryPrefix ?? ''
  const passagePrefix = options.passagePrefix ?? defaults.passagePrefix ?? ''
  const batchSize = options.batchSize ?? 16
  const extractor = await loadExtractor(dir, quantized)

  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const output = await extractor(texts, { pooling, normalize })
    const dim = output.dims[output.dims.length - 1]!
    return texts.map((_, i) => {
      const v = Float32Array.from(output.data.subarray(i * dim, (i + 1) * dim))
      // A text whose tokens all have zero vectors gives 0/0: the Embedder contract says zeros.
      for (let j = 0; j < dim; j++) if (Number.isNaN(v[j]!)) v.fill(0)
      return v
    })
  }
  const probe = await run(['a'])
  const dimension = probe[0]!.length

  return {
    modelId: defaults.modelId ?? basename(dir),
    dimension,
    async embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]> {
      const prefix = kind === 'query' ? queryPrefix : passagePrefix
      const out: Float32Array[] = new Array(texts.length)
      // A text with no tokens cannot go through the model (an empty sequence): its vector is zeros.
      const pending: number[] = []
      texts.forEach((text, i) => {
        if (extractor.tokenizer.encode(prefix + text).length === 0) out[i] = new Float32Array(dimension)
        else pending.push(i)
      })
      for (let start = 0; start < pending.length; start += batchSize) {
        const ids = pending.slice(start, start + batchSize)
        const vectors = await run(ids.map((i) => prefix + texts[i]!))
        ids.forEach((id, k) => (out[id] = vectors[k]!))
      }
      return out
    },
  }
}
