import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { WebAssets } from '../../http/pages.js'
import { REPO_ROOT } from './consultation-runtime.js'

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' }

export const WEB_ASSETS_DIR = join(REPO_ROOT, 'src', 'web')

/** The page assets of src/web (scripts, styles, images) by file name. */
export function readWebAssets(dir = WEB_ASSETS_DIR): Map<string, { body: string; type: string }> {
  const assets = new Map<string, { body: string; type: string }>()
  for (const name of readdirSync(dir).sort()) {
    const type = TYPES[extname(name)]
    if (type) assets.set(name, { body: readFileSync(join(dir, name), 'utf8'), type })
  }
  return assets
}

/** The page assets of src/web, read once at start. */
export function loadWebAssets(dir = WEB_ASSETS_DIR): WebAssets {
  const assets = readWebAssets(dir)
  return { get: (name) => assets.get(name) }
}
