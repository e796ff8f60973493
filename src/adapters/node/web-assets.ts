import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { WebAssets } from '../../http/pages.js'
import { REPO_ROOT } from './consultation-runtime.js'

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' }

/** The page assets of src/web, read once at start. */
export function loadWebAssets(dir = join(REPO_ROOT, 'src', 'web')): WebAssets {
  const assets = new Map<string, { body: string; type: string }>()
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)]
    if (type) assets.set(name, { body: readFileSync(join(dir, name), 'utf8'), type })
  }
  return { get: (name) => assets.get(name) }
}
