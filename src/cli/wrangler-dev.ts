import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { REPO_ROOT } from './paths.js'

export const WRANGLER = join(REPO_ROOT, 'node_modules', '.bin', 'wrangler')
/** No telemetry, no update check: tests run without network. */
export const QUIET_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_UPDATE_NOTIFIER: '1', CI: '1' }

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** `wrangler d1 migrations apply DB --local` into `persistTo`: the same migration files the Node server applies. */
export function migrateLocalD1(persistTo: string): void {
  const result = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], {
    cwd: REPO_ROOT,
    env: QUIET_ENV,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (result.status !== 0) throw new Error(`wrangler d1 migrations apply failed:\n${result.stdout}\n${result.stderr}`)
}

export interface WranglerDev {
  url: string
  /** What wrangler printed (for failures). */
  output(): string
  stop(): Promise<void>
}

/**
 * Runs the Worker under `wrangler dev` on 127.0.0.1 (workerd, no account, no network) with D1 persisted in
 * `persistTo`, and resolves once /healthz answers (the isolate has loaded knowledge and model).
 */
export async function startWranglerDev(options: {
  persistTo: string
  vars?: Record<string, string>
}): Promise<WranglerDev> {
  const port = await freePort()
  const inspector = await freePort()
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`])
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', options.persistTo, '--show-interactive-dev-session=false', '--log-level', 'warn', ...vars]
  const child: ChildProcess = spawn(WRANGLER, args, { cwd: REPO_ROOT, env: QUIET_ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)))
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM') // wrangler and its workerd
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL')
    }
  }
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`)
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(15_000) })).ok) {
        return { url, output: () => output, stop }
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  await stop()
  throw new Error(`wrangler dev did not answer /healthz within 90 s:\n${output}`)
}
