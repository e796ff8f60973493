import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Config } from '../config.js'
import { DEFAULT_DENSE_INDEX, DEFAULT_MODEL_DIR, loadDenseIndex } from '../adapters/node/consultation-runtime.js'
import { loadKnowledgeBundle } from '../adapters/node/knowledge-files.js'
import { loadLocalContacts } from '../adapters/node/local-contacts-file.js'
import { loadLocales } from '../adapters/node/locale-files.js'
import { loadStaticEmbedder } from '../adapters/node/model-files.js'
import { loadQuickReplies, PACKAGE_VERSION } from '../adapters/node/service.js'
import { readWebAssets } from '../adapters/node/web-assets.js'
import { EDGE_ASSET, EDGE_ASSETS_FORMAT, type EdgeManifest } from '../adapters/workers/edge-assets.js'
import { KnowledgeBase } from '../core/knowledge/knowledge-base.js'
import { KEYWORD_INDEX_FORMAT, KeywordIndex } from '../core/retrieval/keyword-index.js'
import { TextAnalyzer } from '../core/text/analyze.js'
import { KNOWLEDGE_DIR, REPO_ROOT } from '../cli/paths.js'

export const EDGE_ASSETS_DIR = join(REPO_ROOT, 'dist', 'edge', 'assets')

/**
 * Writes what the Worker loads (see EDGE_ASSET) into `outDir`, replacing what was there: knowledge validated here
 * (the Worker does not re-validate 4 MB of JSON on its CPU budget), the keyword index built here, the dense index
 * and the model's token table (only the pure-JS fabao format runs on Workers: there is no onnxruntime), the locales,
 * page assets, quick replies and the deployment's local contacts (FABAO_LOCAL_CONTACTS at build time).
 */
export function buildEdgeAssets(config: Config, outDir = EDGE_ASSETS_DIR): EdgeManifest {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(join(outDir, 'model'), { recursive: true })
  const write = (name: string, data: string | Uint8Array) => writeFileSync(join(outDir, name), data)

  const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
  write(EDGE_ASSET.knowledge, JSON.stringify(bundle))
  write(EDGE_ASSET.keywordIndex, KeywordIndex.build(new KnowledgeBase(bundle), new TextAnalyzer(bundle.lexicons)).toJSON())
  write(EDGE_ASSET.locales, JSON.stringify(loadLocales(join(REPO_ROOT, 'locales'))))
  write(EDGE_ASSET.web, JSON.stringify(Object.fromEntries(readWebAssets())))
  write(EDGE_ASSET.quickReplies, JSON.stringify(loadQuickReplies()))
  write(EDGE_ASSET.localContacts, JSON.stringify(loadLocalContacts(config)))

  let modelId: string | null = null
  if (config.FABAO_RETRIEVAL === 'hybrid') {
    const modelDir = config.FABAO_MODEL_DIR ?? DEFAULT_MODEL_DIR
    const denseFile = config.FABAO_DENSE_INDEX ?? DEFAULT_DENSE_INDEX
    const embedder = loadStaticEmbedder(modelDir) // refuses a folder without the pure-JS parts, saying what is missing
    loadDenseIndex(denseFile).assertMatches(embedder.modelId, bundle.hash)
    copyFileSync(join(modelDir, 'tokenizer.json'), join(outDir, EDGE_ASSET.modelTokenizer))
    copyFileSync(join(modelDir, 'tokenizer_config.json'), join(outDir, EDGE_ASSET.modelTokenizerConfig))
    copyFileSync(join(modelDir, 'fabao.json'), join(outDir, EDGE_ASSET.modelMeta))
    copyFileSync(join(modelDir, embedder.meta.matrix), join(outDir, EDGE_ASSET.modelMatrix))
    copyFileSync(denseFile, join(outDir, EDGE_ASSET.denseIndex))
    modelId = embedder.modelId
  }

  const files: Record<string, number> = {}
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(outDir, path)] = statSync(path).size
    }
  }
  walk(outDir)
  const manifest: EdgeManifest = {
    format: EDGE_ASSETS_FORMAT,
    version: PACKAGE_VERSION,
    knowledgeHash: bundle.hash,
    keywordIndexFormat: KEYWORD_INDEX_FORMAT,
    modelId,
    files,
  }
  write(EDGE_ASSET.manifest, JSON.stringify(manifest, null, 2))
  return manifest
}
