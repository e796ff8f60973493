import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assembleConsultation, type ConsultationRuntime } from '../../core/consultation/runtime.js'
import type { KnowledgeBase } from '../../core/knowledge/knowledge-base.js'
import type { Clock, IdSource } from '../../core/ports.js'
import type { Embedder } from '../../core/embedding/embedder.js'
import { DenseIndex } from '../../core/retrieval/dense-index.js'
import { KEYWORD_INDEX_FORMAT, KeywordIndex } from '../../core/retrieval/keyword-index.js'
import type { TextAnalyzer } from '../../core/text/analyze.js'
import { loadKnowledgeBundle } from './knowledge-files.js'
import { loadLocales } from './locale-files.js'
import { DEFAULT_MODEL_SUBDIR, loadStaticEmbedder } from './model-files.js'

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))

/** The dense index of the bundled model over the committed knowledge (`npm run index:build`). */
export const DEFAULT_DENSE_INDEX = join(REPO_ROOT, 'knowledge', 'index', 'dense.bin')
export const DEFAULT_MODEL_DIR = join(REPO_ROOT, DEFAULT_MODEL_SUBDIR)

export type { ConsultationRuntime }

export interface RuntimeOptions {
  knowledgeDir?: string
  localesDir?: string
  /** Where a built keyword index is cached between starts (keyed by knowledge hash); none when absent. */
  cacheDir?: string
  /** `hybrid` (default): keyword + dense retrieval; `keyword`: keyword and topics only. */
  retrieval?: 'hybrid' | 'keyword'
  /** The embedding model; default the bundled model through the pure-JS path (same vectors as transformers.js). */
  embedder?: Embedder
  /** The dense index built with that model; default knowledge/index/dense.bin. */
  denseIndexFile?: string
}

/**
 * Loads knowledge and locales from disk and builds the retrieval stack. The keyword index takes a few seconds to
 * build, so it is cached in `cacheDir` under the knowledge hash and index format, written atomically.
 */
export function loadConsultationRuntime(options: RuntimeOptions = {}): ConsultationRuntime {
  const knowledgeDir = options.knowledgeDir ?? join(REPO_ROOT, 'knowledge')
  return assembleConsultation({
    bundle: loadKnowledgeBundle(knowledgeDir),
    resources: loadLocales(options.localesDir ?? join(REPO_ROOT, 'locales')),
    keywordIndex: (knowledge, analyzer) => loadOrBuildIndex(knowledge, analyzer, options.cacheDir),
    ...(options.retrieval === 'keyword'
      ? {}
      : {
          dense: {
            embedder: options.embedder ?? loadStaticEmbedder(DEFAULT_MODEL_DIR),
            index: loadDenseIndex(options.denseIndexFile ?? DEFAULT_DENSE_INDEX),
          },
        }),
  })
}

/** Reads a dense index file; a missing one says how to make it. Whether it fits is checked by HybridRetriever. */
export function loadDenseIndex(file: string): DenseIndex {
  if (!existsSync(file)) throw new Error(`dense index ${file} does not exist; run npm run index:build (or set FABAO_RETRIEVAL=keyword)`)
  return DenseIndex.decode(new Uint8Array(readFileSync(file)))
}

function loadOrBuildIndex(knowledge: KnowledgeBase, analyzer: TextAnalyzer, cacheDir?: string): KeywordIndex {
  const file = cacheDir ? join(cacheDir, `keyword-index-v${KEYWORD_INDEX_FORMAT}-${knowledge.hash}.json`) : null
  if (file && existsSync(file)) {
    try {
      return KeywordIndex.load(readFileSync(file, 'utf8'), knowledge, analyzer)
    } catch {
      // A damaged cache file is rebuilt below.
    }
  }
  const index = KeywordIndex.build(knowledge, analyzer)
  if (file && cacheDir) {
    try {
      mkdirSync(cacheDir, { recursive: true })
      const tmp = `${file}.${process.pid}.tmp`
      writeFileSync(tmp, index.toJSON())
      renameSync(tmp, file)
    } catch {
      // The cache is an optimisation: a read-only or full disk only costs start-up time.
    }
  }
  return index
}

export const systemClock: Clock = { now: () => new Date() }

/** 128 random bits, base64url (22 characters of [A-Za-z0-9_-]). */
export const randomIds: IdSource = { sessionId: () => randomBytes(16).toString('base64url') }
