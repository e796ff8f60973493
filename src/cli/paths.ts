import { resolve } from 'node:path'
import { REPO_ROOT } from '../adapters/node/consultation-runtime.js'

export { REPO_ROOT }
export const KNOWLEDGE_DIR = resolve(REPO_ROOT, 'knowledge')
/** The Chinese source texts; only build scripts and tests read them, never the running service. */
export const SHARED_REGULATIONS_DIR = resolve(
  process.env.FABAO_REGULATIONS_DIR ?? resolve(REPO_ROOT, '../shared/regulations/zh'),
)
