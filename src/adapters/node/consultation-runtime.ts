import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { i18n } from 'i18next'
import { createI18n } from '../../core/i18n.js'
import { KnowledgeBase } from '../../core/knowledge/knowledge-base.js'
import type { Clock, IdSource } from '../../core/ports.js'
import { KEYWORD_INDEX_FORMAT, KeywordIndex } from '../../core/retrieval/keyword-index.js'
import { KeywordRetriever, type ArticleRetriever } from '../../core/retrieval/retriever.js'
import { TopicIndex } from '../../core/retrieval/topic-index.js'
import { TextAnalyzer } from '../../core/text/analyze.js'
import { loadKnowledgeBundle } from './knowledge-files.js'
import { loadLocales } from './locale-files.js'

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))

export interface ConsultationRuntime {
  knowledge: KnowledgeBase
  analyzer: TextAnalyzer
  retriever: KeywordRetriever
  i18n: i18n
}

export interface RuntimeOptions {
  knowledgeDir?: string
  localesDir?: string
  /** Where a built keyword index is cached between starts (keyed by knowledge hash); none when absent. */
  cacheDir?: string
}

/**
 * Loads knowledge and locales from disk and builds the retrieval stack. The keyword index takes a few seconds to
 * build, so it is cached in `cacheDir` under the knowledge hash and index format, written atomically.
 */
export function loadConsultationRuntime(options: RuntimeOptions = {}): ConsultationRuntime {
  const knowledgeDir = options.knowledgeDir ?? join(REPO_ROOT, 'knowledge')
  const bundle = loadKnowledgeBundle(knowledgeDir)
  const knowledge = new KnowledgeBase(bundle)
  const analyzer = new TextAnalyzer(bundle.lexicons)
  const index = loadOrBuildIndex(knowledge, analyzer, options.cacheDir)
  const i18n = createI18n(loadLocales(options.localesDir ?? join(REPO_ROOT, 'locales')))
  return { knowledge, analyzer, retriever: new KeywordRetriever(index, new TopicIndex(knowledge, analyzer)), i18n }
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
