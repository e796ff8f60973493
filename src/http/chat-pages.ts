import { Hono, type Context } from 'hono'
import type { i18n } from 'i18next'
import { toString as qrToString } from 'qrcode'
import { z } from 'zod'
import type { KnowledgeBase } from '../core/knowledge/knowledge-base.js'
import { LANGS, type Lang, type LocalContact, type LocalContactKind } from '../core/knowledge/schema.js'
import type { AppEnv } from './app.js'
import { MAX_MESSAGE_CODE_POINTS, SESSION_ID } from './chat-request.js'
import { ApiError } from './errors.js'
import { parseJsonBody } from './json-body.js'
import { CONTENT_SECURITY_POLICY, escapeHtml } from './pages.js'
import { languageFromAcceptLanguage } from './request-language.js'

/** What the web chat, the kiosk and the partner widget need from the deployment (README "Web chat and kiosk"). */
export interface ChatPageOptions {
  /** FABAO_KIOSK_IDLE_SECONDS: seconds without a touch before the kiosk clears itself. */
  kioskIdleSeconds: number
  /** FABAO_EMBED_ORIGINS: origins allowed to frame /embed; empty = nobody may frame it. */
  embedOrigins: readonly string[]
  /** FABAO_PUBLIC_URL: the central server, base of QR continuation links; unset = the kiosk is offline. */
  publicUrl: string | undefined
  /**
   * Whether the central server answers now (the Node adapter asks FABAO_PUBLIC_URL/healthz with a short timeout).
   * Default: online exactly when a public URL is configured.
   */
  centralReachable?: () => Promise<boolean>
}

export interface ChatPageDeps extends ChatPageOptions {
  i18n: i18n
  knowledge: KnowledgeBase
  /** The deployment's local offices (FABAO_LOCAL_CONTACTS): where to go in person, nearest staffed posts. */
  localContacts: readonly LocalContact[]
}

export const DEFAULT_KIOSK_IDLE_SECONDS = 90

/** The numbers the kiosk's emergency tile shows full-screen (a kiosk cannot dial). */
export const KIOSK_EMERGENCY_NUMBERS = ['110', '120', '119'] as const

/** Local offices in the order a person in trouble should try them: staffed posts first. */
const IN_PERSON_ORDER: readonly LocalContactKind[] = [
  'police-station',
  'public-legal-service-centre',
  'mediation-room',
  'tourism-office',
  'consumer-rights-station',
  'exit-entry-office',
  'hospital',
  'customs',
]

/** QR codes as SVG, generated here (no external service); the same options make the same picture for the same URL. */
export const QR_OPTIONS = { type: 'svg', errorCorrectionLevel: 'M', margin: 2 } as const

/** The page CSP with the given frame ancestors ('none' when the list is empty). */
export function contentSecurityPolicy(frameAncestors: readonly string[] = []): string {
  return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`)
}

/** JSON for a non-executed data block; `<` escaped so no text can close the element. */
const dataBlock = (id: string, value: unknown) =>
  `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`

function pageLang(c: Context): Lang {
  const asked = c.req.query('lang')
  if (asked && (LANGS as readonly string[]).includes(asked)) return asked as Lang
  return languageFromAcceptLanguage(c.req.header('accept-language')?.slice(0, 512)) ?? 'en'
}

function page(opts: { lang: Lang; title: string; bodyClass: string; body: string; scripts: string[] }): string {
  return `<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(opts.title)}</title>
<link rel="stylesheet" href="/assets/fabao.css">
<link rel="stylesheet" href="/assets/chat.css">
</head>
<body class="${opts.bodyClass}">
${opts.body}
${opts.scripts.map((s) => `<script src="/assets/${s}" defer></script>`).join('\n')}
</body>
</html>`
}

/** Continuation links carry the secret (session id or access code) only in the fragment, which no server sees. */
export function continuationUrl(publicUrl: string, target: { sessionId: string } | { accessCode: string }, lang: Lang): string {
  const base = publicUrl.replace(/\/+$/, '')
  return 'accessCode' in target
    ? `${base}/case?lang=${lang}#code=${encodeURIComponent(target.accessCode)}`
    : `${base}/?lang=${lang}#session=${encodeURIComponent(target.sessionId)}`
}

const QrRequestSchema = z.union([
  z.object({ sessionId: z.string().regex(SESSION_ID), lang: z.enum(LANGS) }).strict(),
  z.object({ accessCode: z.string().regex(/^[0-9][0-9 -]{11,30}[0-9]$/), lang: z.enum(LANGS) }).strict(),
])

/**
 * The tourist-facing pages beside the consultation API: the web chat at `/`, the partner widget's `/embed` (the
 * only page another origin may frame, and only the origins in FABAO_EMBED_ORIGINS) and the touch-screen `/kiosk`,
 * plus the kiosk's status and QR endpoints. No inline script, nothing from another origin, `no-store` throughout.
 */
export function chatPageRoutes(deps: ChatPageDeps) {
  const app = new Hono<AppEnv>()
  const centralReachable = deps.centralReachable ?? (() => Promise.resolve(deps.publicUrl !== undefined))
  const strings = (ns: string) => Object.fromEntries(LANGS.map((l) => [l, deps.i18n.getResource(l, ns, '')]))
  const national = (ids: readonly string[]) =>
    ids.flatMap((id) => {
      const c = deps.knowledge.nationalContacts.get(id)
      return c ? [{ phone: c.phone, name: c.name, purpose: c.purpose }] : []
    })
  const inPerson = [...deps.localContacts]
    .sort((a, b) => IN_PERSON_ORDER.indexOf(a.kind) - IN_PERSON_ORDER.indexOf(b.kind))
    .map((c) => ({ kind: c.kind, name: c.name, phone: c.phone, address: c.address, hours: c.hours, purpose: c.purpose }))

  const secure = (c: Context, frameAncestors: readonly string[] = []) => {
    c.header('Content-Security-Policy', contentSecurityPolicy(frameAncestors))
    c.header('Referrer-Policy', 'no-referrer')
    if (frameAncestors.length === 0) c.header('X-Frame-Options', 'DENY')
    c.header('Cache-Control', 'no-store')
  }

  const chatPage = (c: Context, mode: 'page' | 'embed') => {
    const lang = pageLang(c)
    const title = deps.i18n.getFixedT(lang, 'chat')('title')
    const config = { mode, emergency: national(KIOSK_EMERGENCY_NUMBERS) }
    return page({
      lang,
      title,
      bodyClass: mode === 'embed' ? 'chat-body embedded' : 'chat-body',
      body: `<main id="chat-app" class="chat" data-lang="${lang}"></main>${dataBlock('strings', strings('chat'))}${dataBlock('chat-config', config)}`,
      scripts: ['answer.js', 'chat.js'],
    })
  }

  app.get('/', (c) => {
    secure(c)
    return c.html(chatPage(c, 'page'))
  })

  app.get('/embed', (c) => {
    secure(c, deps.embedOrigins)
    return c.html(chatPage(c, 'embed'))
  })

  app.get('/kiosk', (c) => {
    secure(c)
    const lang = pageLang(c)
    const config = {
      idleSeconds: deps.kioskIdleSeconds,
      countdownSeconds: Math.max(1, Math.min(15, Math.floor(deps.kioskIdleSeconds / 3))),
      emergency: national(KIOSK_EMERGENCY_NUMBERS),
      inPerson,
      maxMessage: MAX_MESSAGE_CODE_POINTS,
    }
    return c.html(
      page({
        lang,
        title: deps.i18n.getFixedT(lang, 'kiosk')('title'),
        bodyClass: 'kiosk',
        body: `<main id="kiosk-app" class="kiosk-main" data-lang="${lang}"></main>${dataBlock('strings', { kiosk: strings('kiosk'), chat: strings('chat') })}${dataBlock('kiosk-config', config)}`,
        scripts: ['answer.js', 'kiosk.js'],
      }),
    )
  })

  /** Whether the kiosk can offer a mediator and a QR code: the central server is configured and answers. */
  app.get('/api/kiosk/status', async (c) => {
    const online = deps.publicUrl !== undefined && (await centralReachable().catch(() => false))
    c.header('Cache-Control', 'no-store')
    return c.json({ online })
  })

  /**
   * A QR code (SVG) of the link that continues this conversation or case on the tourist's phone. The secret is in
   * the request body (never a URL the access log sees) and in the link's fragment only.
   */
  app.post('/api/kiosk/qr', async (c) => {
    const body = parseJsonBody(QrRequestSchema, await c.req.text())
    if (!deps.publicUrl) throw new ApiError('not_found')
    const target = 'accessCode' in body ? { accessCode: body.accessCode } : { sessionId: body.sessionId }
    const svg = await qrToString(continuationUrl(deps.publicUrl, target, body.lang), QR_OPTIONS)
    c.header('Cache-Control', 'no-store')
    return c.json({ svg })
  })

  return app
}
