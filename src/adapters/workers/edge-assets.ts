import { z } from 'zod'

/**
 * The files `npm run edge:build` writes to dist/edge/assets for the Worker: the knowledge as validated on the build
 * machine, the prebuilt keyword index, the locales, the dense index and the bundled model's token table. The Worker
 * reads them once per isolate through its ASSETS binding (never from the public internet: `run_worker_first`).
 */
export const EDGE_ASSET = {
  manifest: 'manifest.json',
  knowledge: 'knowledge.json',
  keywordIndex: 'keyword-index.json',
  locales: 'locales.json',
  denseIndex: 'dense.bin',
  web: 'web.json',
  quickReplies: 'quick-replies.json',
  localContacts: 'local-contacts.json',
  modelTokenizer: 'model/tokenizer.json',
  modelTokenizerConfig: 'model/tokenizer_config.json',
  modelMeta: 'model/fabao.json',
  modelMatrix: 'model/matrix.bin',
} as const

export const EDGE_ASSETS_FORMAT = 1

export const EdgeManifestSchema = z.object({
  format: z.literal(EDGE_ASSETS_FORMAT),
  /** package.json version, so /healthz says the same on both runtimes. */
  version: z.string().min(1),
  knowledgeHash: z.string().min(1),
  keywordIndexFormat: z.number().int(),
  /** The embedding model of the dense index; null = keyword retrieval only (FABAO_RETRIEVAL=keyword at build time). */
  modelId: z.string().min(1).nullable(),
  /** Every file and its size in bytes (README reports them). */
  files: z.record(z.string(), z.number().int().nonnegative()),
})
export type EdgeManifest = z.infer<typeof EdgeManifestSchema>

export const WebAssetFileSchema = z.record(z.string(), z.object({ body: z.string(), type: z.string() }))
