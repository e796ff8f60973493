/**
 * npm run dev:edge [-- wrangler dev options] — the Worker on http://127.0.0.1:8787 under `wrangler dev` (workerd, no
 * account, no network): builds the edge assets, makes .dev.vars with a random FABAO_SECRET the first time (git
 * ignores it), applies the migrations to the local D1 in .wrangler/state, and keeps cases here
 * (FABAO_EDGE_CASES=on: local data never leaves this machine). Cases survive restarts of this command.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readConfig } from '../config.js'
import { buildEdgeAssets } from '../build/edge-assets.js'
import { REPO_ROOT } from './paths.js'
import { QUIET_ENV, WRANGLER } from './wrangler-dev.js'

const devVars = join(REPO_ROOT, '.dev.vars')
if (!existsSync(devVars)) {
  writeFileSync(devVars, `# Secrets for wrangler dev (never committed). In production: wrangler secret put FABAO_SECRET\nFABAO_SECRET=${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 })
}
const manifest = buildEdgeAssets(readConfig(process.env))
console.log(`edge assets: knowledge ${manifest.knowledgeHash}, model ${manifest.modelId ?? 'none'}`)
const migrated = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local'], { cwd: REPO_ROOT, env: QUIET_ENV, stdio: 'inherit' })
if (migrated.status !== 0) process.exit(migrated.status ?? 1)
const dev = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--var', 'FABAO_EDGE_CASES:on', ...process.argv.slice(2)], {
  cwd: REPO_ROOT,
  env: { ...QUIET_ENV, CI: process.env.CI ?? '' },
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))
