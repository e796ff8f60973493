import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser } from 'playwright-core'

/** Debian's chromium, installed by .ci/run (never a downloaded browser). */
export const CHROMIUM = process.env.FABAO_CHROMIUM ?? '/usr/bin/chromium'
const INSTALL = 'apt-get install -y chromium fonts-noto-cjk'

/** Headless chromium with no background traffic; a missing browser fails with the line that installs it. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; install it with: ${INSTALL}`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Serves a fetch handler on 127.0.0.1 and a free port; resolves when it listens. */
export async function listenLocal(fetch: (request: Request) => Response | Promise<Response>): Promise<{ server: ServerType; base: string }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
