import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { i18n } from 'i18next'
import type { ConsultationDeps } from '../core/consultation/consult.js'
import { converse } from '../core/mediation/conversation.js'
import { MediationError } from '../core/mediation/mediation.js'
import { caseRoutes } from './case-routes.js'
import { mediatorRoutes, type MediatorRouteDeps } from './mediator-routes.js'
import { pageRoutes, type PageDeps } from './pages.js'
import { chatPageRoutes, DEFAULT_KIOSK_IDLE_SECONDS, type ChatPageOptions } from './chat-pages.js'
import type { Lang } from '../core/knowledge/schema.js'
import { StorageUnavailableError } from '../core/ports.js'
import { parseChatBody } from './chat-request.js'
import { bodyLang } from './json-body.js'
import { ApiError, errorBody } from './errors.js'
import { accessCodeBackoff, loginBackoff, rateLimit, RequestHeaders, securityHeaders } from './protection.js'
import { RequestLimits, type RateLimitSettings } from './rate-limit.js'
import { redact, redactingSink, requestLine } from './request-log.js'
import { languageFromAcceptLanguage } from './request-language.js'
import { wechatRoutes, type WechatRouteDeps } from './wechat-routes.js'

export const MAX_BODY_BYTES = 64 * 1024

export interface AppDeps {
  consultation: ConsultationDeps
  /** Cases, mediator accounts, SLA policy and quick replies; the store is the same one that holds chat sessions. */
  mediation: MediatorRouteDeps
  /** Page assets and what the pages show (committee name, retention periods). */
  pages: Pick<PageDeps, 'assets' | 'committeeName' | 'retention'>
  /** Web chat, kiosk and widget settings (idle reset, embed origins, public URL, central reachability); defaults: 90 s, none, unset. */
  chatPages?: Partial<ChatPageOptions>
  /** `<package version>+<knowledge hash>`. */
  version: string
  /** Requests per minute per client on /api/* (0 = unlimited). */
  rateLimitPerMinute: number
  /** The other budgets (pages, kiosks, WeChat OpenIDs) and the kiosk tokens; pages unlimited when /api/* is. */
  rateLimits?: Partial<Omit<RateLimitSettings, 'apiPerMinute'>>
  /** Whether the store takes writes now (a real write, rolled back); /readyz answers 503 when not. */
  storageWritable?: () => Promise<boolean>
  /** True once the server is shutting down: /readyz answers 503 so a balancer stops sending traffic. */
  draining?: () => boolean
  /** Identifies the client for rate limiting (the adapter knows the socket address and trusted proxies). */
  clientKey?: (c: Context) => string
  /** Receives one structured line per request; never a body or personal data. */
  log?: (line: Record<string, unknown>) => void
  /** Makes request ids; random by default. */
  requestId?: () => string
  /**
   * Set when this instance keeps no cases (a Worker with FABAO_EDGE_CASES=off): handoff, case and mediator routes
   * answer `cases_elsewhere` naming the central server, and the case and console pages redirect to it.
   */
  casesElsewhere?: { centralUrl: string | undefined }
  /** The WeChat Official Account channel (/wechat, /a/:id); absent = off (WECHAT_TOKEN unset). */
  wechat?: WechatRouteDeps | undefined
}

export type AppEnv = { Variables: { requestId: string; i18n: i18n; lang?: Lang; limits: RequestLimits } }

/** The HTTP surface, thin by design: parse with zod, call core, map errors to HTTP in `renderError`. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const { i18n: i18nInstance, clock } = deps.consultation
  const limits = new RequestLimits(
    {
      apiPerMinute: deps.rateLimitPerMinute,
      pagePerMinute: deps.rateLimits?.pagePerMinute ?? (deps.rateLimitPerMinute === 0 ? 0 : 600),
      kioskPerMinute: deps.rateLimits?.kioskPerMinute ?? 600,
      openIdPerMinute: deps.rateLimits?.openIdPerMinute ?? 20,
      kioskTokens: deps.rateLimits?.kioskTokens ?? [],
    },
    () => clock.now().getTime(),
  )
  const clientOf = (c: Context) => deps.clientKey?.(c) ?? 'anonymous'
  const log = deps.log ? redactingSink(deps.log) : undefined
  const newRequestId = deps.requestId ?? (() => crypto.randomUUID())
  const fallbackLang = (c: Context): Lang =>
    languageFromAcceptLanguage(RequestHeaders.acceptLanguage.safeParse(c.req.header('accept-language')).data) ?? 'en'

  const renderError = (c: Context<AppEnv>, error: unknown) => {
    const apiError =
      error instanceof ApiError
        ? error
        : error instanceof StorageUnavailableError
          ? new ApiError('storage_unavailable')
          : error instanceof MediationError
            ? fromMediationError(error)
            : new ApiError('internal')
    if (apiError.code === 'internal') {
      log?.({ level: 'error', requestId: c.var.requestId, error: (error as Error)?.name ?? 'Error', detail: redact(String((error as Error)?.message ?? '')) })
    }
    if (apiError.code === 'rate_limited' && apiError.params.retryAfter) {
      c.header('Retry-After', String(apiError.params.retryAfter))
    }
    return c.json(errorBody(c, apiError, c.var.lang ?? fallbackLang(c)), apiError.status)
  }

  app.use(async (c, next) => {
    const started = performance.now()
    c.set('requestId', newRequestId())
    c.set('i18n', i18nInstance)
    c.set('limits', limits)
    c.header('X-Request-Id', c.var.requestId)
    await next()
    log?.(requestLine(c, c.var.requestId, started, performance.now()))
  })
  app.use(securityHeaders)
  app.onError((error, c) => renderError(c, error))
  app.notFound((c) => renderError(c, new ApiError('not_found')))

  app.get('/healthz', (c) =>
    c.json({
      ok: true,
      version: deps.version,
      knowledge: {
        laws: deps.consultation.retriever.knowledge.laws.size,
        articles: deps.consultation.retriever.knowledge.articleCount,
      },
    }),
  )

  // Readiness: knowledge loaded and the store takes a write; 503 while shutting down.
  app.get('/readyz', async (c) => {
    const knowledge = deps.consultation.retriever.knowledge.articleCount > 0
    const storage = deps.storageWritable ? await deps.storageWritable().catch(() => false) : true
    const draining = deps.draining?.() ?? false
    c.header('Cache-Control', 'no-store')
    return c.json({ ready: knowledge && storage && !draining, checks: { knowledge, storage, draining } }, knowledge && storage && !draining ? 200 : 503)
  })

  // Limits on every route: the per-client budget, the body size, backoff on access codes and mediator sign-in.
  app.use(rateLimit(limits, clientOf))
  app.use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new ApiError('payload_too_large') } }))
  app.use('/api/cases/*', accessCodeBackoff(limits, clientOf))
  app.use('/api/mediator/login', loginBackoff(limits, clientOf))

  app.post('/api/chat', async (c) => {
    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      throw new ApiError('invalid_json')
    }
    const analyzer = deps.consultation.analyzer
    const hint = fallbackLang(c)
    const input = parseChatBody(body, (message) => (message ? analyzer.detectLanguage(message, hint) : hint))
    c.set('lang', input.lang ?? analyzer.detectLanguage(input.message, hint))
    const reply = await converse(deps.consultation, deps.mediation.mediation, { ...input, fallbackLang: hint })
    c.header('Cache-Control', 'no-store')
    return c.json(reply)
  })

  if (deps.casesElsewhere) {
    const central = deps.casesElsewhere.centralUrl?.replace(/\/+$/, '')
    // Told in the body's `lang` when it names one (the chat page sends it), else the request's language.
    const refuse = async (c: Context<AppEnv>): Promise<never> => {
      const lang = c.req.method === 'POST' ? bodyLang(await c.req.json().catch(() => null)) : undefined
      throw central
        ? new ApiError('cases_elsewhere', 'errors.cases_elsewhere', { url: central }, lang)
        : new ApiError('cases_elsewhere', 'errors.cases_elsewhere_no_url', {}, lang)
    }
    for (const path of ['/api/handoff', '/api/cases/*', '/api/mediator/*']) app.all(path, refuse)
    for (const path of ['/case', '/mediator', '/mediator/*']) {
      app.get(path, (c) => (central ? c.redirect(`${central}${c.req.path}`, 302) : refuse(c)))
    }
  }

  app.route('/api', caseRoutes({ mediation: deps.mediation.mediation, sla: deps.mediation.sla }))
  app.route('/api/mediator', mediatorRoutes(deps.mediation))
  app.route('/', wechatRoutes(deps.wechat))
  app.route(
    '/',
    chatPageRoutes({
      kioskIdleSeconds: DEFAULT_KIOSK_IDLE_SECONDS,
      embedOrigins: [],
      publicUrl: undefined,
      ...deps.chatPages,
      i18n: i18nInstance,
      knowledge: deps.consultation.retriever.knowledge,
      localContacts: deps.consultation.localContacts ?? [],
    }),
  )
  app.route('/', pageRoutes({ ...deps.pages, i18n: i18nInstance, knowledge: deps.consultation.retriever.knowledge, mediation: deps.mediation }))

  return app
}

/** The one mapping from mediation rules to the HTTP contract. */
function fromMediationError(error: MediationError): ApiError {
  switch (error.code) {
    case 'session_not_found':
      return new ApiError('session_not_found')
    case 'case_not_found':
    case 'mediator_not_found':
      return new ApiError('not_found')
    case 'case_open':
      return new ApiError('case_open')
    case 'consent_required':
      return new ApiError('consent_required')
    case 'case_closed':
      return new ApiError('case_closed')
    case 'not_assignee':
      return new ApiError('forbidden')
    case 'transition_not_allowed':
    case 'case_changed':
      return new ApiError('case_conflict')
  }
}
