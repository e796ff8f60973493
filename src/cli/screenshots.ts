/**
 * npm run screenshots — the README's pictures of the web chat (zh, ru, en) and the kiosk, taken with the Debian
 * chromium (`FABAO_CHROMIUM`, default /usr/bin/chromium) against this checkout's app on 127.0.0.1, with an empty
 * database in a temporary folder. Writes docs/screenshots/*.png. Nothing is fetched from elsewhere.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { chromium } from 'playwright-core'
import { REPO_ROOT } from '../adapters/node/consultation-runtime.js'
import { createNodeService } from '../adapters/node/service.js'
import { readConfig } from '../config.js'

/** The questions shown: the kiosk's own tile questions (locales/<lang>/kiosk.json), one situation per language. */
const TILE_OF: Record<'zh' | 'ru' | 'en', string> = { zh: 'forcedShopping', ru: 'fakeGoods', en: 'refund' }
const question = (lang: 'zh' | 'ru' | 'en'): string =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'locales', lang, 'kiosk.json'), 'utf8')).tiles[TILE_OF[lang]].question

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

const out = join(REPO_ROOT, 'docs', 'screenshots')
mkdirSync(out, { recursive: true })
const dataDir = mkdtempSync(join(tmpdir(), 'fabao-screenshots-'))
const port = await freePort()
const base = `http://127.0.0.1:${port}`
const config = readConfig({ ...process.env, FABAO_DATA_DIR: dataDir, FABAO_DB: undefined, FABAO_PUBLIC_URL: base, FABAO_ACCESS_LOG: 'off', FABAO_LOCAL_CONTACTS: undefined })
const { app, store } = await createNodeService(config)
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
const browser = await chromium.launch({
  executablePath: process.env.FABAO_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
try {
  for (const lang of ['zh', 'ru', 'en'] as const) {
    const context = await browser.newContext({ locale: lang, viewport: { width: 412, height: 1400 }, deviceScaleFactor: 1 })
    await context.route('**/*', (route) => (route.request().url().startsWith(`${base}/`) ? route.continue() : route.abort()))
    const page = await context.newPage()
    await page.goto(`${base}/?lang=${lang}`)
    await page.fill('#question', question(lang))
    await page.press('#question', 'Enter')
    const answer = page.locator('#chat-log li.bot .answer').first()
    await answer.waitFor()
    await answer.locator('details.citation summary').first().click()
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: join(out, `chat-${lang}.png`) })
    console.log(`docs/screenshots/chat-${lang}.png`)
    await context.close()
  }
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, deviceScaleFactor: 0.5 })
  await context.route('**/*', (route) => (route.request().url().startsWith(`${base}/`) ? route.continue() : route.abort()))
  const page = await context.newPage()
  await page.goto(`${base}/kiosk`)
  await page.screenshot({ path: join(out, 'kiosk-language.png') })
  await page.tap('button.language-choice[data-lang="ru"]')
  await page.screenshot({ path: join(out, 'kiosk-topics.png') })
  await page.tap('#tile-forcedShopping')
  await page.locator('#kiosk-answer .answer').waitFor()
  await page.screenshot({ path: join(out, 'kiosk-answer.png') })
  await page.tap('#back-to-topics')
  await page.tap('#tile-emergency')
  await page.screenshot({ path: join(out, 'kiosk-emergency.png') })
  console.log('docs/screenshots/kiosk-{language,topics,answer,emergency}.png')
} finally {
  await browser.close()
  server.close()
  store.close()
  rmSync(dataDir, { recursive: true, force: true })
}
process.exit(0)
