import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { FabaoModelMetaSchema, StaticEmbedder, decodeMatrix } from '../../core/embedding/static-embedder.js'
import { TokenizerConfigSchema, WordPieceTokenizerJsonSchema } from '../../core/embedding/wordpiece.js'

/** The bundled model folder, relative to the repository root. */
export const DEFAULT_MODEL_SUBDIR = 'knowledge/model/fabao-static'

function readJson(dir: string, name: string): unknown {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'))
}

/** Reads a fabao static model folder (tokenizer.json, tokenizer_config.json, fabao.json, matrix) → StaticEmbedder. */
export function loadStaticEmbedder(dir: string): StaticEmbedder {
  const problems = checkModelFolder(dir, { transformers: false })
  if (problems.length > 0) throw new Error(`model folder ${dir}:\n- ${problems.join('\n- ')}`)
  const meta = FabaoModelMetaSchema.parse(readJson(dir, 'fabao.json'))
  return new StaticEmbedder({
    tokenizer: readJson(dir, 'tokenizer.json'),
    tokenizerConfig: readJson(dir, 'tokenizer_config.json'),
    meta,
    matrix: readFileSync(join(dir, meta.matrix)),
  })
}

/**
 * What is missing or invalid in a model folder, one clear sentence each; [] when it is usable.
 * `transformers` (default true): also check what transformers.js needs (config.json, onnx/model_quantized.onnx).
 * `fabao` (default true): also check the pure-JS parts (fabao.json, the matrix, a WordPiece tokenizer.json).
 */
export function checkModelFolder(dir: string, options: { transformers?: boolean; fabao?: boolean } = {}): string[] {
  const problems: string[] = []
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [`${dir} is not a directory`]
  const json = (name: string, why: string): unknown => {
    if (!existsSync(join(dir, name))) {
      problems.push(`missing ${name} (${why})`)
      return undefined
    }
    try {
      return readJson(dir, name)
    } catch (error) {
      problems.push(`${name} is not valid JSON: ${(error as Error).message}`)
      return undefined
    }
  }
  const tokenizer = json('tokenizer.json', 'the tokenizer, read by transformers.js and by the pure-JS embedder')
  const tokenizerConfig = json('tokenizer_config.json', 'model_max_length and special tokens')
  if (tokenizerConfig !== undefined) {
    const parsed = TokenizerConfigSchema.safeParse(tokenizerConfig)
    if (!parsed.success) problems.push(`tokenizer_config.json: needs a numeric model_max_length (transformers.js pads to NaN without it)`)
  }
  if (options.transformers ?? true) {
    const config = json('config.json', 'transformers.js reads model_type from it')
    if (config !== undefined && typeof (config as { model_type?: unknown }).model_type !== 'string') {
      problems.push('config.json has no model_type (transformers.js picks the model class by it)')
    }
    const onnx = join(dir, 'onnx', 'model_quantized.onnx')
    if (!existsSync(onnx)) problems.push('missing onnx/model_quantized.onnx (transformers.js loads it with quantized: true)')
    else if (statSync(onnx).size === 0) problems.push('onnx/model_quantized.onnx is empty')
  }
  if (options.fabao ?? true) {
    const meta = json('fabao.json', 'model id, dimension, pooling and prefixes')
    let parsedMeta: ReturnType<typeof FabaoModelMetaSchema.parse> | undefined
    if (meta !== undefined) {
      const parsed = FabaoModelMetaSchema.safeParse(meta)
      if (parsed.success) parsedMeta = parsed.data
      else problems.push(`fabao.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    }
    if (tokenizer !== undefined) {
      const parsed = WordPieceTokenizerJsonSchema.safeParse(tokenizer)
      if (!parsed.success) {
        problems.push(
          `tokenizer.json is not one the pure-JS embedder reads (WordPiece, BertPreTokenizer, NFKC/Lowercase, no post_processor): ${parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('; ')}`,
        )
      }
    }
    if (parsedMeta) {
      const file = join(dir, parsedMeta.matrix)
      if (!existsSync(file)) problems.push(`missing ${parsedMeta.matrix} (the token table for the pure-JS embedder)`)
      else {
        try {
          const table = decodeMatrix(readFileSync(file))
          if (table.dimension !== parsedMeta.dimension || table.vocabSize !== parsedMeta.vocabSize) {
            problems.push(`${parsedMeta.matrix} is ${table.vocabSize}×${table.dimension}, fabao.json says ${parsedMeta.vocabSize}×${parsedMeta.dimension}`)
          }
        } catch (error) {
          problems.push(`${parsedMeta.matrix}: ${(error as Error).message}`)
        }
      }
    }
  }
  return problems
}
