import { resolve } from 'node:path'
import type { Config } from '../../config.js'
import type { Embedder } from '../../core/embedding/embedder.js'
import { DEFAULT_DENSE_INDEX, DEFAULT_MODEL_DIR, type RuntimeOptions } from './consultation-runtime.js'
import { loadStaticEmbedder } from './model-files.js'
import { loadTransformersEmbedder } from './transformers-embedder.js'

type EmbeddingConfig = Pick<
  Config,
  | 'FABAO_RETRIEVAL'
  | 'FABAO_EMBEDDER'
  | 'FABAO_MODEL_DIR'
  | 'FABAO_MODEL_POOLING'
  | 'FABAO_MODEL_NORMALIZE'
  | 'FABAO_MODEL_QUERY_PREFIX'
  | 'FABAO_MODEL_PASSAGE_PREFIX'
  | 'FABAO_DENSE_INDEX'
>

/** The embedding model the configuration names, loaded from local files only; none for keyword-only retrieval. */
export async function loadConfiguredEmbedder(config: EmbeddingConfig): Promise<Embedder | undefined> {
  if (config.FABAO_RETRIEVAL === 'keyword') return undefined
  const modelDir = resolve(config.FABAO_MODEL_DIR ?? DEFAULT_MODEL_DIR)
  if (config.FABAO_EMBEDDER === 'static') return loadStaticEmbedder(modelDir)
  return loadTransformersEmbedder({
    modelDir,
    ...(config.FABAO_MODEL_POOLING ? { pooling: config.FABAO_MODEL_POOLING } : {}),
    ...(config.FABAO_MODEL_NORMALIZE !== undefined ? { normalize: config.FABAO_MODEL_NORMALIZE } : {}),
    ...(config.FABAO_MODEL_QUERY_PREFIX !== undefined ? { queryPrefix: config.FABAO_MODEL_QUERY_PREFIX } : {}),
    ...(config.FABAO_MODEL_PASSAGE_PREFIX !== undefined ? { passagePrefix: config.FABAO_MODEL_PASSAGE_PREFIX } : {}),
  })
}

/** Retrieval options for loadConsultationRuntime from the configuration and the loaded model. */
export function retrievalOptions(config: EmbeddingConfig, embedder: Embedder | undefined): RuntimeOptions {
  if (config.FABAO_RETRIEVAL === 'keyword' || !embedder) return { retrieval: 'keyword' }
  return { retrieval: 'hybrid', embedder, denseIndexFile: resolve(config.FABAO_DENSE_INDEX ?? DEFAULT_DENSE_INDEX) }
}
