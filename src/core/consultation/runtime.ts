import type { i18n, Resource } from 'i18next'
import type { Embedder } from '../embedding/embedder.js'
import { createI18n } from '../i18n.js'
import { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { KnowledgeBundle } from '../knowledge/schema.js'
import type { DenseIndex } from '../retrieval/dense-index.js'
import { KeywordIndex } from '../retrieval/keyword-index.js'
import { HybridRetriever, KeywordRetriever, type ArticleRetriever } from '../retrieval/retriever.js'
import { TopicIndex } from '../retrieval/topic-index.js'
import { TextAnalyzer } from '../text/analyze.js'
import { DEFAULT_CONFIDENCE_POLICY, HYBRID_CONFIDENCE_POLICY, type ConfidencePolicy } from './confidence.js'

/** Knowledge, text analysis, retrieval and locales: what answering a question needs, on any runtime. */
export interface ConsultationRuntime {
  knowledge: KnowledgeBase
  analyzer: TextAnalyzer
  /** What answers use: hybrid (keyword + dense) when a model is given, keyword and topics otherwise. */
  retriever: ArticleRetriever
  /** The keyword half on its own (tuning, evaluation of keyword-only). */
  keyword: KeywordRetriever
  /** The hybrid retriever when dense retrieval is on. */
  hybrid: HybridRetriever | null
  confidence: ConfidencePolicy
  i18n: i18n
}

export interface DenseParts {
  embedder: Embedder
  index: DenseIndex
}

export interface ConsultationParts {
  /** The validated knowledge (the Node adapter reads knowledge/, the Worker a prebuilt copy of it). */
  bundle: KnowledgeBundle
  /** The locales as an i18next resource. */
  resources: Resource
  /** Restores or builds the keyword index; default: built here (a few seconds for the whole corpus). */
  keywordIndex?: (knowledge: KnowledgeBase, analyzer: TextAnalyzer) => KeywordIndex
  /**
   * Dense retrieval: the embedding model and the index built with it; keyword and topics only when absent. A
   * function is called once the keyword index is built, so a memory-tight runtime (a Worker isolate) never holds
   * both while they are being made.
   */
  dense?: DenseParts | (() => DenseParts)
}

/**
 * Builds the retrieval stack from its parts. The hybrid retriever refuses a dense index made by another model or
 * over other knowledge (DenseIndexMismatchError).
 */
export function assembleConsultation(parts: ConsultationParts): ConsultationRuntime {
  const knowledge = new KnowledgeBase(parts.bundle)
  const analyzer = new TextAnalyzer(parts.bundle.lexicons)
  const index = parts.keywordIndex ? parts.keywordIndex(knowledge, analyzer) : KeywordIndex.build(knowledge, analyzer)
  const keyword = new KeywordRetriever(index, new TopicIndex(knowledge, analyzer))
  const i18n = createI18n(parts.resources)
  if (!parts.dense) {
    return { knowledge, analyzer, retriever: keyword, keyword, hybrid: null, confidence: DEFAULT_CONFIDENCE_POLICY, i18n }
  }
  const dense = typeof parts.dense === 'function' ? parts.dense() : parts.dense
  const hybrid = new HybridRetriever(keyword, dense.index, dense.embedder)
  return { knowledge, analyzer, retriever: hybrid, keyword, hybrid, confidence: HYBRID_CONFIDENCE_POLICY, i18n }
}
