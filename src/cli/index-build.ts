/**
 * npm run index:build [-- --model DIR] [--out FILE] [--transformers] — embeds every article and guidance card with
 * the embedding model (default: the bundled knowledge/model/fabao-static, in pure JS) and writes the dense
 * index the server loads at start (default knowledge/index/dense.bin). Run it after any change to knowledge/ or to
 * the model; the server refuses an index made for other knowledge or another model.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { KnowledgeBase } from '../core/knowledge/knowledge-base.js'
import { DenseIndex } from '../core/retrieval/dense-index.js'
import { DEFAULT_DENSE_INDEX, DEFAULT_MODEL_DIR } from '../adapters/node/consultation-runtime.js'
import { loadKnowledgeBundle } from '../adapters/node/knowledge-files.js'
import { loadStaticEmbedder } from '../adapters/node/model-files.js'
import { loadTransformersEmbedder } from '../adapters/node/transformers-embedder.js'
import { KNOWLEDGE_DIR } from './paths.js'

const args = process.argv.slice(2)
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
const modelDir = resolve(option('--model') ?? DEFAULT_MODEL_DIR)
const out = resolve(option('--out') ?? DEFAULT_DENSE_INDEX)
const started = Date.now()
const knowledge = new KnowledgeBase(loadKnowledgeBundle(KNOWLEDGE_DIR))
// Our own model folder (fabao.json) runs in pure JS: the same vectors as transformers.js (tests/embedding.test.ts),
// about 30 times faster here. Any other model runs through transformers.js; --transformers forces that path.
const useStatic = existsSync(join(modelDir, 'fabao.json')) && !args.includes('--transformers')
const embedder = useStatic ? loadStaticEmbedder(modelDir) : await loadTransformersEmbedder({ modelDir })
const index = await DenseIndex.build(knowledge, embedder)
mkdirSync(dirname(out), { recursive: true })
const tmp = `${out}.${process.pid}.tmp`
writeFileSync(tmp, index.toBytes())
renameSync(tmp, out)
console.log(
  `index:build — ${index.size} vectors (articles and cards), model ${embedder.modelId}, knowledge ${knowledge.hash} → ${out} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
)
