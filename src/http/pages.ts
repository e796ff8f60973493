import { Hono, type Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { i18n } from 'i18next'
import type { KnowledgeBase } from '../core/knowledge/knowledge-base.js'
import { LANGS, type Lang } from '../core/knowledge/schema.js'
import { mediatorForToken } from '../core/mediation/accounts.js'
import { maySeePrivate } from '../core/mediation/mediation.js'
import type { AppEnv } from './app.js'
import { MEDIATOR_COOKIE, type MediatorRouteDeps } from './mediator-routes.js'
import { languageFromAcceptLanguage } from './request-language.js'

/** The page assets (src/web): served by the app itself, never from a CDN, so an offline kiosk works. */
export interface WebAssets {
  get(name: string): { body: string; type: string } | undefined
}

export interface PageDeps {
  i18n: i18n
  knowledge: KnowledgeBase
  mediation: MediatorRouteDeps
  assets: WebAssets
  committeeName: string | undefined
  retention: { chatDays: number; caseDays: number }
}

/** Strict by design: no inline script, no framing, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
}

/** JSON for a non-executed data block; `<` escaped so no text can close the element. */
const dataBlock = (id: string, value: unknown) =>
  `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`

function pageLang(c: Context): Lang {
  const asked = c.req.query('lang')
  if (asked && (LANGS as readonly string[]).includes(asked)) return asked as Lang
  return languageFromAcceptLanguage(c.req.header('accept-language')) ?? 'en'
}

function layout(lang: Lang, title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/fabao.css">
</head>
<body>
${body}
${scripts.map((s) => `<script src="/assets/${s}" defer></script>`).join('\n')}
</body>
</html>`
}

export function pageRoutes(deps: PageDeps) {
  const app = new Hono<AppEnv>()
  const t = (lang: Lang, ns: string) => deps.i18n.getFixedT(lang, ns)

  app.use('*', async (c, next) => {
    await next()
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'DENY')
  })

  app.get('/assets/:name', (c) => {
    const asset = deps.assets.get(c.req.param('name'))
    if (!asset) return c.notFound()
    c.header('Cache-Control', 'no-cache')
    return c.body(asset.body, 200, { 'Content-Type': asset.type })
  })

  app.get('/privacy', (c) => {
    const lang = pageLang(c)
    const p = deps.i18n.getResource(lang, 'privacy', '') as {
      title: string
      intro: string
      sections: { heading: string; paragraphs: string[] }[]
    }
    const fill = (text: string) => text.replace('{{chatDays}}', String(deps.retention.chatDays)).replace('{{caseDays}}', String(deps.retention.caseDays))
    const sections = p.sections
      .map((s) => `<h2>${escapeHtml(s.heading)}</h2>${s.paragraphs.map((x) => `<p>${escapeHtml(fill(x))}</p>`).join('')}`)
      .join('\n')
    const switcher = LANGS.map((l) => `<a href="/privacy?lang=${l}" lang="${l}">${escapeHtml(t(l, 'web')('lang.' + l))}</a>`).join(' · ')
    return c.html(layout(lang, p.title, `<main class="doc"><nav class="langs">${switcher}</nav><h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(fill(p.intro))}</p>${sections}</main>`))
  })

  app.get('/case', (c) => {
    const lang = pageLang(c)
    const strings = deps.i18n.getResource(lang, 'web', '') as Record<string, unknown>
    c.header('Cache-Control', 'no-store')
    return c.html(
      layout(lang, (strings.case as { title: string }).title, `<main id="case-app" class="case" data-lang="${lang}"></main>${dataBlock('strings', strings)}`, ['case.js']),
    )
  })

  app.get('/mediator', (c) => {
    const lang = pageLang(c) === 'en' && !c.req.query('lang') ? 'zh' : pageLang(c) // Chinese UI first
    const strings = Object.fromEntries(LANGS.map((l) => [l, deps.i18n.getResource(l, 'web', '')]))
    c.header('Cache-Control', 'no-store')
    return c.html(
      layout(
        lang,
        (strings[lang] as { console: { title: string } }).console.title,
        `<main id="console" data-lang="${lang}"></main>${dataBlock('strings', strings)}`,
        ['console.js'],
      ),
    )
  })

  app.get('/mediator/cases/:caseId/agreement', async (c) => {
    const found = await mediatorForToken(deps.mediation.accounts, getCookie(c, MEDIATOR_COOKIE))
    if (!found) return c.redirect('/mediator')
    const k = await deps.mediation.mediation.store.getCase(c.req.param('caseId'))
    if (!k || !maySeePrivate(found.mediator, k)) return c.redirect('/mediator')
    const contact = await deps.mediation.mediation.store.getContact(k.id)
    const langs: Lang[] = k.lang === 'zh' ? ['zh'] : ['zh', k.lang]
    const label = (key: string) => langs.map((l) => escapeHtml(t(l, 'web')(`agreement.${key}`))).join(' / ')
    const article = (n: number) => {
      const record = deps.knowledge.articles.get(`people-mediation-law:${n}`)!
      const translation = k.lang === 'zh' ? '' : record.translations[k.lang as 'ru' | 'en']
      return `<blockquote lang="zh">${escapeHtml(record.article.zh)}</blockquote>${translation ? `<blockquote lang="${k.lang}">${escapeHtml(translation)}<br><small>${escapeHtml(t(k.lang, 'web')('agreement.unofficial'))}</small></blockquote>` : ''}`
    }
    const committee = deps.committeeName ? escapeHtml(deps.committeeName) : `<span class="warn">${label('committeeMissing')}</span>`
    const party = k.party ? [k.party.name, k.party.address, k.party.phone, k.party.licence].filter(Boolean).map((x) => escapeHtml(x!)).join(', ') : ''
    const tourist = contact ? [contact.details.name, contact.details.passport, contact.details.phone].filter(Boolean).map((x) => escapeHtml(x!)).join(', ') : ''
    await deps.mediation.mediation.store.audit({ caseId: k.id, actor: `mediator:${found.mediator.id}`, action: 'print-agreement', detail: null, at: deps.mediation.mediation.clock.now().toISOString() })
    const body = `<main class="agreement">
<h1>${label('title')}</h1>
<p>${label('committee')}: ${committee}</p>
<p>${label('caseNumber')}: ${escapeHtml(k.id)}</p>
<h2>${label('parties')}</h2>
<p>${label('tourist')}: <span class="fill">${tourist}</span></p>
<p>${label('party')}: <span class="fill">${party}</span></p>
<h2>${label('facts')}</h2><div class="blank"></div>
<h2>${label('content')}</h2><div class="blank">${k.outcome ? escapeHtml(k.outcome.summary) : ''}</div>
<h2>${label('signatures')}</h2><div class="blank"></div>
<p>${label('date')}: ____________</p>
<hr>
<p><strong>${label('free')}</strong> ${label('law')}:</p>${article(4)}
<h3>${label('binding')}</h3>${article(31)}
<h3>${label('confirmation')}</h3>${article(33)}
</main>`
    c.header('Cache-Control', 'no-store')
    return c.html(layout(k.lang, t('zh', 'web')('agreement.title'), body))
  })

  return app
}
