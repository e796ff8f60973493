import { Hono } from 'hono'
import type { i18n } from 'i18next'
import type { Clock } from '../core/ports.js'
import type { WechatStore } from '../core/wechat/wechat-store.js'
import type { AppEnv } from './app.js'
import { CONTENT_SECURITY_POLICY, escapeHtml } from './pages.js'
import { languageFromAcceptLanguage } from './request-language.js'

const ANSWER_ID = /^[A-Za-z0-9_-]{16,64}$/

export interface AnswerPageDeps {
  store: WechatStore
  i18n: i18n
  clock: Clock
}

/**
 * `GET /a/:id`: the full text of an answer shortened in a WeChat reply — the answer only, never the question —
 * until it expires (7 days). Escaped, no script, the same strict CSP as the other pages, not indexed.
 */
export function answerPageRoutes(deps: AnswerPageDeps) {
  const app = new Hono<AppEnv>()
  app.get('/a/:id', async (c) => {
    const id = c.req.param('id')
    const found = ANSWER_ID.test(id) ? await deps.store.fullAnswer(id, deps.clock.now().toISOString()) : null
    const lang = found?.lang ?? languageFromAcceptLanguage(c.req.header('accept-language')) ?? 'en'
    const t = deps.i18n.getFixedT(lang, 'wechat')
    const title = t('answerPage.title') as string
    const body = found
      ? found.answer
          .split(/\n{2,}/)
          .map((paragraph) => `<p>${paragraph.split('\n').map(escapeHtml).join('<br>')}</p>`)
          .join('\n')
      : `<p>${escapeHtml(t('answerPage.expired') as string)}</p>`
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'DENY')
    c.header('X-Robots-Tag', 'noindex')
    c.header('Cache-Control', 'no-store')
    return c.html(
      `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/fabao.css">
</head>
<body>
<main class="doc">
<h1>${escapeHtml(title)}</h1>
${body}
${found ? `<p><small>${escapeHtml(t('answerPage.kept') as string)}</small></p>` : ''}
</main>
</body>
</html>`,
      found ? 200 : 404,
    )
  })
  return app
}
