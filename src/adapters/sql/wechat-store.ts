import type { Lang } from '../../core/knowledge/schema.js'
import type { UndeliveredReply, WechatDelivery, WechatStore, WechatUser } from '../../core/wechat/wechat-store.js'
import type { SqlDriver } from './sql-driver.js'

/** The WeChat channel's state over SQL (migration 0003_wechat.sql), shared by SQLite and D1. */
export class SqlWechatStore implements WechatStore {
  constructor(private readonly sql: SqlDriver) {}

  async claimMessage(key: string, openId: string, at: string): Promise<boolean> {
    const [inserted] = await this.sql.batch([
      { sql: 'INSERT INTO wechat_messages (dedup_key, open_id, received_at) VALUES (?, ?, ?) ON CONFLICT(dedup_key) DO NOTHING', params: [key, openId, at] },
    ])
    return inserted === 1
  }

  async messageReply(key: string): Promise<{ reply: string | null; delivery: WechatDelivery } | null> {
    return this.sql.first<{ reply: string | null; delivery: WechatDelivery }>('SELECT reply, delivery FROM wechat_messages WHERE dedup_key = ?', [key])
  }

  async saveMessageReply(key: string, reply: string, delivery: WechatDelivery): Promise<void> {
    await this.sql.batch([{ sql: 'UPDATE wechat_messages SET reply = ?, delivery = ? WHERE dedup_key = ?', params: [reply, delivery, key] }])
  }

  async getUser(openId: string): Promise<WechatUser | null> {
    const row = await this.sql.first<{ open_id: string; lang: Lang | null; session_id: string | null; updated_at: string }>(
      'SELECT open_id, lang, session_id, updated_at FROM wechat_users WHERE open_id = ?',
      [openId],
    )
    return row ? { openId: row.open_id, lang: row.lang, sessionId: row.session_id, updatedAt: row.updated_at } : null
  }

  async saveUser(u: WechatUser): Promise<void> {
    await this.sql.batch([
      {
        sql: `INSERT INTO wechat_users (open_id, lang, session_id, updated_at) VALUES (?, ?, ?, ?)
              ON CONFLICT(open_id) DO UPDATE SET lang = excluded.lang, session_id = excluded.session_id, updated_at = excluded.updated_at`,
        params: [u.openId, u.lang, u.sessionId, u.updatedAt],
      },
    ])
  }

  async forgetLanguage(openId: string, at: string): Promise<void> {
    await this.sql.batch([{ sql: 'UPDATE wechat_users SET lang = NULL, updated_at = ? WHERE open_id = ?', params: [at, openId] }])
  }

  async openIdOfSession(sessionId: string): Promise<string | null> {
    const row = await this.sql.first<{ open_id: string }>(
      'SELECT open_id FROM wechat_users WHERE session_id = ? ORDER BY updated_at DESC LIMIT 1',
      [sessionId],
    )
    return row?.open_id ?? null
  }

  async saveFullAnswer(a: { id: string; lang: Lang; answer: string; createdAt: string; expiresAt: string }): Promise<void> {
    await this.sql.batch([
      { sql: 'INSERT INTO wechat_full_answers (id, lang, answer, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', params: [a.id, a.lang, a.answer, a.createdAt, a.expiresAt] },
    ])
  }

  async fullAnswer(id: string, now: string): Promise<{ lang: Lang; answer: string } | null> {
    return this.sql.first<{ lang: Lang; answer: string }>('SELECT lang, answer FROM wechat_full_answers WHERE id = ? AND expires_at > ?', [id, now])
  }

  async markUndelivered(r: { caseId: string; seq: number; openId: string; reason: string; at: string }): Promise<void> {
    await this.sql.batch([
      {
        sql: `INSERT INTO wechat_undelivered (case_id, seq, open_id, reason, at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT(case_id, seq) DO UPDATE SET reason = excluded.reason, at = excluded.at`,
        params: [r.caseId, r.seq, r.openId, r.reason, r.at],
      },
    ])
  }

  async markDelivered(caseId: string, seq: number): Promise<void> {
    await this.sql.batch([{ sql: 'DELETE FROM wechat_undelivered WHERE case_id = ? AND seq = ?', params: [caseId, seq] }])
  }

  async undeliveredSeqs(caseId: string): Promise<number[]> {
    const rows = await this.sql.all<{ seq: number }>('SELECT seq FROM wechat_undelivered WHERE case_id = ? ORDER BY seq', [caseId])
    return rows.map((r) => r.seq)
  }

  async undeliveredFor(openId: string): Promise<UndeliveredReply[]> {
    const rows = await this.sql.all<{ case_id: string; seq: number; text: string }>(
      `SELECT u.case_id, u.seq, m.text FROM wechat_undelivered u
       JOIN case_messages m ON m.case_id = u.case_id AND m.seq = u.seq
       WHERE u.open_id = ? ORDER BY u.at, u.seq`,
      [openId],
    )
    return rows.map((r) => ({ caseId: r.case_id, seq: r.seq, text: r.text }))
  }

  async purge(p: { now: string; messagesBefore: string; usersBefore: string }) {
    const [answers, messages, users] = await this.sql.batch([
      { sql: 'DELETE FROM wechat_full_answers WHERE expires_at <= ?', params: [p.now] },
      { sql: 'DELETE FROM wechat_messages WHERE received_at < ?', params: [p.messagesBefore] },
      {
        sql: `DELETE FROM wechat_users WHERE updated_at < ? AND (session_id IS NULL OR session_id NOT IN
                (SELECT session_id FROM cases WHERE session_id IS NOT NULL AND status IN ('new', 'claimed', 'in-mediation')))`,
        params: [p.usersBefore],
      },
      // Marks whose message text was erased with the case's personal data have nothing left to deliver.
      { sql: 'DELETE FROM wechat_undelivered WHERE NOT EXISTS (SELECT 1 FROM case_messages m WHERE m.case_id = wechat_undelivered.case_id AND m.seq = wechat_undelivered.seq)' },
    ])
    return { answers: answers ?? 0, messages: messages ?? 0, users: users ?? 0 }
  }
}
