import type { Lang } from '../knowledge/schema.js'

/** How the answer to an inbound WeChat message reached the user (or not yet). */
export type WechatDelivery = 'pending' | 'passive' | 'customer-service'

/** What the channel remembers about one WeChat user, keyed by OpenID. */
export interface WechatUser {
  openId: string
  /** The language the user chose; null = answer in the language of each message. */
  lang: Lang | null
  /** Their chat session (consultation turns, and the case it may have become). */
  sessionId: string | null
  updatedAt: string
}

export interface UndeliveredReply {
  caseId: string
  seq: number
  text: string
}

/**
 * The WeChat channel's persistent state, async because D1 is: deduplication of WeChat's retries, the cached answer
 * for them, per-OpenID language and session, full answers behind `/a/<id>`, and mediator replies not yet delivered.
 */
export interface WechatStore {
  /** Records an inbound message by its deduplication key; resolves false when it was seen before. */
  claimMessage(key: string, openId: string, at: string): Promise<boolean>
  /** The answer kept for WeChat's retries of a message, and how it was delivered. */
  messageReply(key: string): Promise<{ reply: string | null; delivery: WechatDelivery } | null>
  saveMessageReply(key: string, reply: string, delivery: WechatDelivery): Promise<void>

  getUser(openId: string): Promise<WechatUser | null>
  saveUser(user: WechatUser): Promise<void>
  /** `unsubscribe`: the stored language is forgotten. */
  forgetLanguage(openId: string, at: string): Promise<void>
  /** The OpenID whose chat session this is, if any. */
  openIdOfSession(sessionId: string): Promise<string | null>

  saveFullAnswer(answer: { id: string; lang: Lang; answer: string; createdAt: string; expiresAt: string }): Promise<void>
  /** The stored answer, or null when unknown or expired at `now`. */
  fullAnswer(id: string, now: string): Promise<{ lang: Lang; answer: string } | null>

  markUndelivered(reply: { caseId: string; seq: number; openId: string; reason: string; at: string }): Promise<void>
  markDelivered(caseId: string, seq: number): Promise<void>
  /** Seqs of the case's mediator messages not delivered to WeChat. */
  undeliveredSeqs(caseId: string): Promise<number[]>
  /** The user's undelivered mediator replies, oldest first (those whose text was erased are skipped). */
  undeliveredFor(openId: string): Promise<UndeliveredReply[]>

  /**
   * Deletes expired full answers, message records received before `messagesBefore`, and users last seen before
   * `usersBefore` whose session has no open case; resolves with how many of each.
   */
  purge(policy: { now: string; messagesBefore: string; usersBefore: string }): Promise<{ answers: number; messages: number; users: number }>
}
