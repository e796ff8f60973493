/**
 * npm run model:check [-- DIR] — checks a model folder (default knowledge/model/fabao-static): what transformers.js
 * needs (config.json, tokenizer files, onnx/model_quantized.onnx) and, for our own model, fabao.json and the matrix.
 * Prints the problems and exits 1, or loads the model through transformers.js (and the pure-JS embedder when the
 * folder has fabao.json) and prints its id, dimension and a smoke embedding.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { checkModelFolder, DEFAULT_MODEL_SUBDIR, loadStaticEmbedder } from '../adapters/node/model-files.js'
import { loadTransformersEmbedder } from '../adapters/node/transformers-embedder.js'
import { REPO_ROOT } from './paths.js'

const dir = resolve(process.argv[2] ?? join(REPO_ROOT, DEFAULT_MODEL_SUBDIR))
const fabao = existsSync(join(dir, 'fabao.json'))
const problems = checkModelFolder(dir, { fabao })
if (problems.length > 0) {
  console.error(`${dir} is not a usable model folder:`)
  for (const p of problems) console.error(`  - ${p}`)
  process.exit(1)
}
// A smoke sentence per language: the first situation topic's first trigger phrases (knowledge/topics).
const triggers = JSON.parse(readFileSync(join(REPO_ROOT, 'knowledge', 'topics', 'tourism.json'), 'utf8')).topics[0].triggers
const text = [triggers.zh[0], triggers.ru[0], triggers.en[0]].join(' / ')
const embedder = await loadTransformersEmbedder({ modelDir: dir })
const [vector] = await embedder.embed([text], 'query')
console.log(`model ${embedder.modelId}, dimension ${embedder.dimension}`)
console.log(`smoke embedding of "${text}": [${Array.from(vector!.slice(0, 6), (x) => x.toFixed(4)).join(', ')}, …]`)
if (fabao) {
  const [pure] = await loadStaticEmbedder(dir).embed([text], 'query')
  let maxDiff = 0
  for (let i = 0; i < vector!.length; i++) maxDiff = Math.max(maxDiff, Math.abs(vector![i]! - pure![i]!))
  console.log(`pure-JS embedder agrees with transformers.js: max |Δ| ${maxDiff.toExponential(2)}`)
  if (maxDiff >= 1e-4) process.exit(1)
}
