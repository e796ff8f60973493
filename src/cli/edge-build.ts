/**
 * npm run edge:build — writes dist/edge/assets, what the Worker loads once per isolate (knowledge, keyword and dense
 * indexes, model, locales, page assets). `npm run dev:edge` and `npm run deploy` run it first. Reads the same
 * settings as the server: FABAO_RETRIEVAL, FABAO_MODEL_DIR, FABAO_DENSE_INDEX, FABAO_LOCAL_CONTACTS.
 */
import { readConfig } from '../config.js'
import { buildEdgeAssets, EDGE_ASSETS_DIR } from '../build/edge-assets.js'

const started = Date.now()
const manifest = buildEdgeAssets(readConfig(process.env))
const total = Object.values(manifest.files).reduce((a, b) => a + b, 0)
console.log(
  `edge:build — knowledge ${manifest.knowledgeHash}, model ${manifest.modelId ?? 'none (keyword retrieval)'}, ` +
    `${Object.keys(manifest.files).length} files, ${(total / 1048576).toFixed(1)} MiB → ${EDGE_ASSETS_DIR} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
)
