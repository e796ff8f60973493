import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, whatever the working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const KNOWLEDGE_DIR = resolve(REPO_ROOT, 'knowledge')
/** The Chinese source texts; only build scripts and tests read them, never the running service. */
export const SHARED_REGULATIONS_DIR = resolve(
  process.env.FABAO_REGULATIONS_DIR ?? resolve(REPO_ROOT, '../shared/regulations/zh'),
)
