import type { ChatRequest, ConsultationDeps } from '../../core/consultation/consult.js'
import { LANGS, type Lang } from '../../core/knowledge/schema.js'
import { normalizeAccessCode } from '../../core/mediation/access-code.js'
import type { CaseRecord } from '../../core/mediation/case.js'
import { converse, type ConversationReply } from '../../core/mediation/conversation.js'
import { escalateCase, MediationError, openCaseByCode, type MediationDeps } from '../../core/mediation/mediation.js'
import type { WechatStore, WechatUser } from '../../core/wechat/wechat-store.js'
import { NO_API_PERMISSION, WechatApiError, type WechatApi } from './client.js'
import { composeReply } from './reply.js'

/** One message or event from WeChat, already authenticated and decrypted. */
export interface InboundMessage {
  /** The official account (gh_…). */
  toUser: string
  openId: string
  createTime: number
  msgType: string
  msgId: string | null
  content: string | null
  event: string | null
  /** WeChat's transcript of a voice message, when speech recognition is on. */
  recognition: string | null
}

/** The message fields WeChat sends, or null when the required ones are missing or malformed. */
export function inboundFrom(fields: Record<string, string>): InboundMessage | null {
  const { ToUserName, FromUserName, CreateTime, MsgType } = fields
  if (!ToUserName || !FromUserName || !MsgType || !CreateTime || !/^\d{1,12}$/.test(CreateTime)) return null
  const msgId = fields.MsgId ?? fields.MsgID ?? null
  if (msgId !== null && !/^\d{1,24}$/.test(msgId)) return null
  return {
    toUser: ToUserName,
    openId: FromUserName,
    createTime: Number(CreateTime),
    msgType: MsgType,
    msgId,
    content: fields.Content ?? null,
    event: fields.Event ?? null,
    recognition: fields.Recognition ?? null,
  }
}

export const FULL_ANSWER_DAYS = 7
const MAX_QUESTION_CODE_POINTS = 2000

export interface WechatChannelDeps {
  consultation: ConsultationDeps
  mediation: MediationDeps
  store: WechatStore
  /** The customer-service API; null without an AppSecret (then slow answers wait for WeChat's retry). */
  api: WechatApi | null
  /** Reply passively when the answer is ready within this many milliseconds (WeChat waits 5 s at most). */
  passiveBudgetMs: number
  /** Base of `/a/<id>` links to full answers (FABAO_PUBLIC_URL). */
  publicUrl?: string | undefined
  /** Answers a chat message; `converse` by default (tests inject a slow one). */
  answer?: (request: ChatRequest) => Promise<ConversationReply>
  /** Unguessable ids for full-answer pages. */
  answerId?: () => string
  /** Structured lines without message bodies or personal data. */
  log?: (line: Record<string, unknown>) => void
}

const randomAnswerId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(18))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
}

/**
 * The WeChat conversation: one question gets one answer however often WeChat delivers it, passively within the
 * budget, else through the customer-service API (or, without it, from the cache on WeChat's retry); the user's
 * language and session are remembered by OpenID; mediator replies are delivered, or marked not delivered and sent
 * when the user next writes.
 */
export class WechatChannel {
  private readonly inflight = new Map<string, Promise<string | null>>()
  private readonly background = new Set<Promise<unknown>>()
  /** Learned from errcode 48001: this account cannot send customer-service messages. */
  private customerServiceMissing: boolean

  constructor(private readonly deps: WechatChannelDeps) {
    this.customerServiceMissing = deps.api === null
  }

  private get clock() {
    return this.deps.consultation.clock
  }

  private t(lang: Lang, key: string, options: Record<string, unknown> = {}): string {
    return this.deps.consultation.i18n.getFixedT(lang, 'wechat')(key, options) as string
  }

  /** The same text in every language, for users whose language is not known yet. */
  private inEveryLanguage(key: string): string {
    return LANGS.map((lang) => this.t(lang, key)).join('\n\n')
  }

  /** Settles once every background delivery has finished (tests; graceful shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background])
  }

  private track(work: Promise<unknown>): void {
    const tracked = work
      .catch((error: Error) => this.deps.log?.({ level: 'error', event: 'wechat', error: error?.name ?? 'Error' }))
      .finally(() => this.background.delete(tracked))
    this.background.add(tracked)
  }

  private async within<T>(work: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<{ done: false }>((resolve) => (timer = setTimeout(() => resolve({ done: false }), ms)))
    try {
      return await Promise.race([work.then((value) => ({ done: true as const, value })), late])
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Handles one delivery from WeChat; resolves with the text to reply passively, or null for `success` (nothing
   * to say now, or the answer goes through the customer-service API).
   */
  async handle(message: InboundMessage): Promise<string | null> {
    const key = message.msgId ? `msg:${message.msgId}` : `evt:${message.openId}:${message.createTime}`
    if (!(await this.deps.store.claimMessage(key, message.openId, this.clock.now().toISOString()))) return this.retried(key)

    const work = this.respond(message).then(async (text) => {
      if (text !== null) await this.deps.store.saveMessageReply(key, text, 'pending')
      return text
    })
    this.inflight.set(key, work)
    void work.finally(() => this.inflight.delete(key)).catch(() => undefined)

    const ready = await this.within(work, this.deps.passiveBudgetMs)
    if (ready.done) {
      if (ready.value !== null) await this.deps.store.saveMessageReply(key, ready.value, 'passive')
      this.deps.log?.({ level: 'info', event: 'wechat', type: message.msgType, delivery: 'passive' })
      return ready.value
    }
    if (this.customerServiceMissing) {
      // No customer-service API: this reply comes too late for WeChat, which retries the same message; the retry is
      // answered from the cache.
      this.deps.log?.({ level: 'info', event: 'wechat', type: message.msgType, delivery: 'retry' })
      return work
    }
    this.track(work.then((text) => (text === null ? undefined : this.sendLater(key, message.openId, text))))
    this.deps.log?.({ level: 'info', event: 'wechat', type: message.msgType, delivery: 'customer-service' })
    return null
  }

  /** WeChat's retry of a message already being answered or answered. */
  private async retried(key: string): Promise<string | null> {
    const stored = await this.deps.store.messageReply(key)
    if (stored?.reply != null) return stored.delivery === 'customer-service' ? null : stored.reply
    const running = this.inflight.get(key)
    if (running) {
      const ready = await this.within(running, this.deps.passiveBudgetMs)
      if (ready.done && this.customerServiceMissing) return ready.value
    }
    return null
  }

  private async sendLater(key: string, openId: string, text: string): Promise<void> {
    try {
      await this.deps.api!.sendText(openId, text)
      await this.deps.store.saveMessageReply(key, text, 'customer-service')
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode === NO_API_PERMISSION) this.customerServiceMissing = true
      this.deps.log?.({ level: 'warn', event: 'wechat-send', errcode: error instanceof WechatApiError ? error.errcode : null })
    }
  }

  private async userOf(openId: string): Promise<WechatUser> {
    return (await this.deps.store.getUser(openId)) ?? { openId, lang: null, sessionId: null, updatedAt: this.clock.now().toISOString() }
  }

  /** The language to speak to the user in: the one they chose, else the one of their last answer; null if unknown. */
  private async languageOf(user: WechatUser): Promise<Lang | null> {
    if (user.lang) return user.lang
    return user.sessionId ? ((await this.deps.consultation.sessions.getSession(user.sessionId))?.lang ?? null) : null
  }

  private async note(user: WechatUser, key: string): Promise<string> {
    const lang = await this.languageOf(user)
    return lang ? this.t(lang, key) : this.inEveryLanguage(key)
  }

  private async respond(message: InboundMessage): Promise<string | null> {
    const store = this.deps.store
    const now = this.clock.now().toISOString()
    if (message.msgType === 'event') {
      const event = (message.event ?? '').toLowerCase()
      if (event === 'unsubscribe') {
        await store.forgetLanguage(message.openId, now)
        return null
      }
      if (event === 'subscribe') {
        const user = await this.userOf(message.openId)
        await store.saveUser({ ...user, updatedAt: now })
        return LANGS.map((lang) => this.t(lang, 'welcome')).join('\n\n')
      }
      return null
    }
    const user = await this.userOf(message.openId)
    await store.saveUser({ ...user, updatedAt: now })
    // The user wrote: the 48-hour window is open again for mediator replies that could not be delivered.
    if (this.deps.api) this.track(this.deliverUndelivered(message.openId))
    const text = message.msgType === 'text' ? message.content : message.msgType === 'voice' ? message.recognition : null
    if (!text?.trim()) return this.note(user, 'sendText')
    return this.answerText(user, text.trim())
  }

  /** The language a message like "中文", "русский", "English" or "ru" asks for. */
  private languageChoice(text: string): Lang | null {
    const wanted = text.toLowerCase()
    for (const lang of LANGS) {
      const names = [lang, ...LANGS.map((l) => this.deps.consultation.i18n.getFixedT(l, 'web')(`lang.${lang}`) as string)]
      if (names.some((name) => name.toLowerCase() === wanted)) return lang
    }
    return null
  }

  private isHandoffRequest(text: string): boolean {
    const wanted = text.toLowerCase()
    return LANGS.some((lang) => {
      const words = this.deps.consultation.i18n.getFixedT(lang, 'wechat')('handoffWords', { returnObjects: true }) as unknown
      return Array.isArray(words) && words.some((w) => String(w).toLowerCase() === wanted)
    })
  }

  private async answerText(user: WechatUser, text: string): Promise<string> {
    const store = this.deps.store
    const now = this.clock.now().toISOString()
    const chosen = this.languageChoice(text)
    if (chosen) {
      await store.saveUser({ ...user, lang: chosen, updatedAt: now })
      return this.t(chosen, 'languageSet')
    }
    if (normalizeAccessCode(text)) return this.attachCase(user, text)
    if (this.isHandoffRequest(text)) return this.handOff(user)

    const message = [...text].slice(0, MAX_QUESTION_CODE_POINTS).join('')
    const answer = this.deps.answer ?? ((request: ChatRequest) => converse(this.deps.consultation, this.deps.mediation, request))
    const reply = await answer({
      message,
      ...(user.lang ? { lang: user.lang } : {}),
      ...(user.sessionId ? { sessionId: user.sessionId } : {}),
    })
    await store.saveUser({ ...user, sessionId: reply.sessionId, updatedAt: now })
    const hint = reply.handoff.suggested && !reply.case ? this.t(reply.lang, 'handoffHint') : undefined
    return this.fit(reply.answer, reply.lang, hint)
  }

  /** Within 2,048 bytes: long text is shortened and linked to its full-answer page (kept 7 days). */
  private async fit(text: string, lang: Lang, always?: string): Promise<string> {
    const publicUrl = this.deps.publicUrl?.replace(/\/+$/, '')
    const id = (this.deps.answerId ?? randomAnswerId)()
    const link = publicUrl ? `${this.t(lang, 'readFull')} ${publicUrl}/a/${id}` : this.t(lang, 'shortenedNoLink')
    const composed = composeReply(text, { ...(always ? { always } : {}), whenShortened: link })
    if (composed.shortened && publicUrl) {
      const now = this.clock.now()
      await this.deps.store.saveFullAnswer({
        id,
        lang,
        answer: text,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + FULL_ANSWER_DAYS * 86_400_000).toISOString(),
      })
    }
    return composed.text
  }

  /** The user sends a case's access code: the case is attached to this chat. */
  private async attachCase(user: WechatUser, code: string): Promise<string> {
    const found = await openCaseByCode(this.deps.mediation, code)
    const lang = (await this.languageOf(user)) ?? found?.lang ?? null
    if (!found || !found.sessionId || found.closedAt) return lang ? this.t(lang, 'caseNotFound') : this.inEveryLanguage('caseNotFound')
    await this.deps.store.saveUser({ ...user, sessionId: found.sessionId, updatedAt: this.clock.now().toISOString() })
    return this.t(lang ?? found.lang, 'caseAttached', { caseId: found.id })
  }

  /** The user asks for a human: the chat session becomes a case from the WeChat channel. */
  private async handOff(user: WechatUser): Promise<string> {
    const lang = await this.languageOf(user)
    if (!user.sessionId || !lang) return lang ? this.t(lang, 'askFirst') : this.inEveryLanguage('askFirst')
    try {
      const opened = await escalateCase(this.deps.mediation, { sessionId: user.sessionId, channel: 'wechat', lang })
      return this.t(lang, 'caseOpened', { caseId: opened.caseId, accessCode: opened.accessCode })
    } catch (error) {
      if (error instanceof MediationError && error.code === 'case_open') {
        return this.t(lang, 'caseAlreadyOpen', { caseId: (error as MediationError & { caseId?: string }).caseId ?? '' })
      }
      if (error instanceof MediationError && error.code === 'session_not_found') return this.t(lang, 'askFirst')
      throw error
    }
  }

  private async mediatorText(k: CaseRecord | null, caseId: string, text: string): Promise<string> {
    const lang = k?.lang ?? 'zh'
    const headed = `${this.t(lang, 'fromMediator', { caseId })}\n${text}`
    return this.fit(headed, lang)
  }

  /**
   * A mediator replied in a case: if the case's chat is a WeChat user's, the reply goes through the customer-service
   * API; when WeChat refuses (45015: more than 48 hours since the user last wrote; or no API) it stays in the case
   * marked "not delivered" and is sent when the user next writes. Never throws: the reply is in the case either way.
   */
  async deliverMediatorReply(k: CaseRecord, seq: number, text: string): Promise<void> {
    if (!k.sessionId) return
    const openId = await this.deps.store.openIdOfSession(k.sessionId)
    if (!openId) return
    const at = this.clock.now().toISOString()
    if (!this.deps.api) {
      await this.deps.store.markUndelivered({ caseId: k.id, seq, openId, reason: 'no-api', at })
      return
    }
    try {
      await this.deps.api.sendText(openId, await this.mediatorText(k, k.id, text))
    } catch (error) {
      const reason = error instanceof WechatApiError ? String(error.errcode) : 'network'
      this.deps.log?.({ level: 'warn', event: 'wechat-mediator-reply', reason })
      await this.deps.store.markUndelivered({ caseId: k.id, seq, openId, reason, at })
    }
  }

  /** The note for a user over the per-OpenID message budget (their language is not looked up: every language). */
  slowDown(): string {
    return this.inEveryLanguage('slowDown')
  }

  /** Seqs of the case's mediator messages not yet delivered to WeChat (for the console). */
  undelivered(caseId: string): Promise<number[]> {
    return this.deps.store.undeliveredSeqs(caseId)
  }

  private async deliverUndelivered(openId: string): Promise<void> {
    for (const pending of await this.deps.store.undeliveredFor(openId)) {
      const k = await this.deps.mediation.store.getCase(pending.caseId)
      try {
        await this.deps.api!.sendText(openId, await this.mediatorText(k, pending.caseId, pending.text))
      } catch (error) {
        this.deps.log?.({ level: 'warn', event: 'wechat-mediator-reply', reason: error instanceof WechatApiError ? error.errcode : 'network' })
        return
      }
      await this.deps.store.markDelivered(pending.caseId, pending.seq)
    }
  }

  /** Retention: expired full answers, day-old message records, users not seen for `userDays` without an open case. */
  async applyRetention(userDays: number) {
    const now = this.clock.now()
    const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString()
    return this.deps.store.purge({ now: now.toISOString(), messagesBefore: ago(1), usersBefore: ago(userDays) })
  }
}
