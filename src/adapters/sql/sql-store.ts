import type { Lang } from '../../core/knowledge/schema.js'
import type {
  AuditEvent,
  CaseMessage,
  CaseNote,
  CaseRecord,
  CaseStatus,
  Mediator,
  MediatorSession,
  MessageAuthor,
  TouristContact,
} from '../../core/mediation/case.js'
import type { Store } from '../../core/mediation/store.js'
import type { ChatSession, ConfidenceBand } from '../../core/ports.js'
import type { SqlDriver, SqlStatement } from './sql-driver.js'

interface CaseRow {
  id: string
  access_digest: string
  session_id: string | null
  status: CaseStatus
  lang: Lang
  channel: CaseRecord['channel']
  topic: string | null
  party: string | null
  amount: number | null
  assignee_id: string | null
  created_at: string
  updated_at: string
  claimed_at: string | null
  first_reply_at: string | null
  closed_at: string | null
  outcome: string | null
  referral: string | null
  personal_data_erased_at: string | null
}

interface MediatorRow {
  id: string
  login: string
  name: string
  role: Mediator['role']
  languages: string
  password_hash: string
  disabled_at: string | null
  created_at: string
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value))
const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T))

const toCase = (r: CaseRow): CaseRecord => ({
  id: r.id,
  accessDigest: r.access_digest,
  sessionId: r.session_id,
  status: r.status,
  lang: r.lang,
  channel: r.channel,
  topic: r.topic,
  party: parse(r.party),
  amount: r.amount,
  assigneeId: r.assignee_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  claimedAt: r.claimed_at,
  firstReplyAt: r.first_reply_at,
  closedAt: r.closed_at,
  outcome: parse(r.outcome),
  referral: parse(r.referral),
  personalDataErasedAt: r.personal_data_erased_at,
})

const toMediator = (r: MediatorRow): Mediator => ({
  id: r.id,
  login: r.login,
  name: r.name,
  role: r.role,
  languages: JSON.parse(r.languages) as Lang[],
  passwordHash: r.password_hash,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
})

const auditStatement = (e: AuditEvent): SqlStatement => ({
  sql: 'INSERT INTO audit_events (case_id, actor, action, detail, at) VALUES (?, ?, ?, ?, ?)',
  params: [e.caseId, e.actor, e.action, json(e.detail), e.at],
})

/** The row of a new mediator account (also written out as SQL for D1 by `mediator add --d1-sql`). */
export const mediatorInsert = (m: Mediator): SqlStatement => ({
  sql: 'INSERT INTO mediators (id, login, name, role, languages, password_hash, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  params: [m.id, m.login, m.name, m.role, JSON.stringify(m.languages), m.passwordHash, m.disabledAt, m.createdAt],
})

/** D1 binds at most 100 parameters to one statement (SQLite allows far more). */
const MAX_PARAMS_PER_STATEMENT = 100

/**
 * Multi-row INSERTs of `rows` into `target` ("table (columns)"), as few statements as D1's parameter limit allows:
 * every statement of a D1 batch counts against the queries a Worker invocation may make (50 free, 1000 paid).
 */
function insertRows(target: string, rows: readonly unknown[][], suffix = ''): SqlStatement[] {
  const width = rows[0]?.length ?? 1
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / width))
  const statements: SqlStatement[] = []
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement)
    const values = chunk.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ')
    statements.push({ sql: `INSERT INTO ${target} VALUES ${values} ${suffix}`.trim(), params: chunk.flat() })
  }
  return statements
}

const CASE_COLUMNS =
  'id, access_digest, session_id, status, lang, channel, topic, party, amount, assignee_id, created_at, updated_at, claimed_at, first_reply_at, closed_at, outcome, referral, personal_data_erased_at'

/**
 * The Store over SQL, shared by SQLite (Node) and D1 (Workers): the same statements and the same migrations.
 * Every write that belongs together (a case, its transcript and its audit event) goes in one batch.
 */
export class SqlStore implements Store {
  constructor(protected readonly sql: SqlDriver) {}

  async getSession(id: string): Promise<ChatSession | null> {
    const row = await this.sql.first<{ id: string; created_at: string; updated_at: string; lang: Lang }>(
      'SELECT id, created_at, updated_at, lang FROM chat_sessions WHERE id = ?',
      [id],
    )
    if (!row) return null
    const turns = await this.sql.all<{ at: string; question: string; lang: Lang; confidence: ConfidenceBand; citations: string; answer: string | null }>(
      'SELECT at, question, lang, confidence, citations, answer FROM chat_turns WHERE session_id = ? ORDER BY seq',
      [id],
    )
    return {
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lang: row.lang,
      turns: turns.map((t) => ({
        at: t.at,
        question: t.question,
        lang: t.lang,
        confidence: t.confidence,
        citations: JSON.parse(t.citations) as string[],
        ...(t.answer === null ? {} : { answer: t.answer }),
      })),
    }
  }

  async saveSession(session: ChatSession): Promise<void> {
    // Turns are append-only and keyed by position: re-saving a session inserts only the new ones.
    await this.sql.batch([
      {
        sql: `INSERT INTO chat_sessions (id, created_at, updated_at, lang) VALUES (?, ?, ?, ?)
              ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, lang = excluded.lang`,
        params: [session.id, session.createdAt, session.updatedAt, session.lang],
      },
      ...insertRows(
        'chat_turns (session_id, seq, at, question, lang, confidence, citations, answer)',
        session.turns.map((turn, seq) => [session.id, seq, turn.at, turn.question, turn.lang, turn.confidence, JSON.stringify(turn.citations), turn.answer ?? null]),
        'ON CONFLICT(session_id, seq) DO NOTHING',
      ),
    ])
  }

  async createCase(input: Parameters<Store['createCase']>[0]): Promise<void> {
    const c = input.record
    await this.sql.batch([
      {
        sql: `INSERT INTO cases (${CASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [
          c.id, c.accessDigest, c.sessionId, c.status, c.lang, c.channel, c.topic, json(c.party), c.amount, c.assigneeId,
          c.createdAt, c.updatedAt, c.claimedAt, c.firstReplyAt, c.closedAt, json(c.outcome), json(c.referral), c.personalDataErasedAt,
        ],
      },
      ...insertRows(
        'case_messages (case_id, seq, author, mediator_id, text, at)',
        input.transcript.map((m, seq) => [c.id, seq, m.from, m.mediatorId, m.text, m.at]),
      ),
      ...(input.contact
        ? [{ sql: 'INSERT INTO case_contacts (case_id, contact, consent_at) VALUES (?, ?, ?)', params: [c.id, JSON.stringify(input.contact.details), input.contact.consentAt] }]
        : []),
      auditStatement(input.audit),
    ])
  }

  async getCase(id: string): Promise<CaseRecord | null> {
    const row = await this.sql.first<CaseRow>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = ?`, [id])
    return row ? toCase(row) : null
  }

  async getCaseByAccessDigest(digest: string): Promise<CaseRecord | null> {
    const row = await this.sql.first<CaseRow>(`SELECT ${CASE_COLUMNS} FROM cases WHERE access_digest = ?`, [digest])
    return row ? toCase(row) : null
  }

  async openCaseOfSession(sessionId: string): Promise<CaseRecord | null> {
    const row = await this.sql.first<CaseRow>(
      `SELECT ${CASE_COLUMNS} FROM cases WHERE session_id = ? AND status IN ('new', 'claimed', 'in-mediation')
       ORDER BY created_at DESC LIMIT 1`,
      [sessionId],
    )
    return row ? toCase(row) : null
  }

  async listCases(filter: { statuses?: readonly CaseStatus[]; createdFrom?: string; createdBefore?: string } = {}): Promise<CaseRecord[]> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.statuses) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ') || "''"})`)
      params.push(...filter.statuses)
    }
    if (filter.createdFrom) {
      where.push('created_at >= ?')
      params.push(filter.createdFrom)
    }
    if (filter.createdBefore) {
      where.push('created_at < ?')
      params.push(filter.createdBefore)
    }
    const rows = await this.sql.all<CaseRow>(
      `SELECT ${CASE_COLUMNS} FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at`,
      params,
    )
    return rows.map(toCase)
  }

  async updateCase(c: CaseRecord, expectedUpdatedAt: string, audit: AuditEvent): Promise<boolean> {
    const [, changed] = await this.sql.batch([
      // The audit row goes first, on the same condition as the update, in the same transaction: it is written
      // exactly when the update matches. (Checking the new updated_at afterwards would also let a losing writer's
      // audit in whenever both computed the same new updated_at, as two claims in one millisecond do.)
      {
        sql: `INSERT INTO audit_events (case_id, actor, action, detail, at)
              SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ? AND updated_at = ?)`,
        params: [audit.caseId, audit.actor, audit.action, json(audit.detail), audit.at, c.id, expectedUpdatedAt],
      },
      {
        // first_reply_at is set once, by appendMessage (which leaves updated_at alone): a record read before the
        // first reply must not clear it.
        sql: `UPDATE cases SET status = ?, topic = ?, party = ?, amount = ?, assignee_id = ?, updated_at = ?, claimed_at = ?,
              first_reply_at = COALESCE(first_reply_at, ?), closed_at = ?, outcome = ?, referral = ?, personal_data_erased_at = ?
              WHERE id = ? AND updated_at = ?`,
        params: [
          c.status, c.topic, json(c.party), c.amount, c.assigneeId, c.updatedAt, c.claimedAt, c.firstReplyAt, c.closedAt,
          json(c.outcome), json(c.referral), c.personalDataErasedAt, c.id, expectedUpdatedAt,
        ],
      },
    ])
    return changed === 1
  }

  async appendMessage(caseId: string, m: { from: MessageAuthor; mediatorId: string | null; text: string; at: string }): Promise<number> {
    // The seq is read back from the insert itself (RETURNING): a second read of MAX(seq) could see a message that
    // another request appended in between.
    const [inserted] = await this.sql.batchResults([
      {
        sql: `INSERT INTO case_messages (case_id, seq, author, mediator_id, text, at)
              SELECT ?, COALESCE(MAX(seq) + 1, 0), ?, ?, ?, ? FROM case_messages WHERE case_id = ? RETURNING seq`,
        params: [caseId, m.from, m.mediatorId, m.text, m.at, caseId],
      },
      ...(m.from === 'mediator'
        ? [{ sql: 'UPDATE cases SET first_reply_at = ? WHERE id = ? AND first_reply_at IS NULL', params: [m.at, caseId] }]
        : []),
    ])
    const seq = inserted?.rows[0]?.seq
    if (typeof seq !== 'number') throw new Error('appendMessage: the insert returned no seq')
    return seq
  }

  async listMessages(caseId: string, afterSeq = -1): Promise<CaseMessage[]> {
    const rows = await this.sql.all<{ seq: number; author: MessageAuthor; mediator_id: string | null; text: string; at: string }>(
      'SELECT seq, author, mediator_id, text, at FROM case_messages WHERE case_id = ? AND seq > ? ORDER BY seq',
      [caseId, afterSeq],
    )
    return rows.map((r) => ({ seq: r.seq, from: r.author, mediatorId: r.mediator_id, text: r.text, at: r.at }))
  }

  async latestMessages(caseIds: readonly string[]): Promise<Map<string, { from: MessageAuthor; at: string }>> {
    if (caseIds.length === 0) return new Map()
    // The ids go in as one JSON array, not one parameter each: D1 binds at most 100 parameters to a statement,
    // and a queue can hold more cases than that.
    const rows = await this.sql.all<{ case_id: string; author: MessageAuthor; at: string }>(
      `SELECT m.case_id, m.author, m.at FROM case_messages m
       JOIN (SELECT case_id, MAX(seq) AS seq FROM case_messages WHERE case_id IN (SELECT value FROM json_each(?)) GROUP BY case_id) last
         ON last.case_id = m.case_id AND last.seq = m.seq`,
      [JSON.stringify(caseIds)],
    )
    return new Map(rows.map((r) => [r.case_id, { from: r.author, at: r.at }]))
  }

  async addNote(caseId: string, note: { mediatorId: string; text: string; at: string }): Promise<void> {
    await this.sql.batch([
      {
        sql: `INSERT INTO case_notes (case_id, seq, mediator_id, text, at)
              SELECT ?, COALESCE(MAX(seq) + 1, 0), ?, ?, ? FROM case_notes WHERE case_id = ?`,
        params: [caseId, note.mediatorId, note.text, note.at, caseId],
      },
    ])
  }

  async listNotes(caseId: string): Promise<CaseNote[]> {
    const rows = await this.sql.all<{ seq: number; mediator_id: string; text: string; at: string }>(
      'SELECT seq, mediator_id, text, at FROM case_notes WHERE case_id = ? ORDER BY seq',
      [caseId],
    )
    return rows.map((r) => ({ seq: r.seq, mediatorId: r.mediator_id, text: r.text, at: r.at }))
  }

  async getContact(caseId: string): Promise<{ details: TouristContact; consentAt: string } | null> {
    const row = await this.sql.first<{ contact: string; consent_at: string }>('SELECT contact, consent_at FROM case_contacts WHERE case_id = ?', [caseId])
    return row ? { details: JSON.parse(row.contact) as TouristContact, consentAt: row.consent_at } : null
  }

  async eraseContact(caseId: string, audit: AuditEvent): Promise<void> {
    await this.sql.batch([{ sql: 'DELETE FROM case_contacts WHERE case_id = ?', params: [caseId] }, auditStatement(audit)])
  }

  async audit(event: AuditEvent): Promise<void> {
    await this.sql.batch([auditStatement(event)])
  }

  async auditUnlessSince(e: AuditEvent, since: string): Promise<void> {
    await this.sql.batch([
      {
        sql: `INSERT INTO audit_events (case_id, actor, action, detail, at)
              SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (
                SELECT 1 FROM audit_events WHERE case_id IS ? AND actor = ? AND action = ? AND at >= ?)`,
        params: [e.caseId, e.actor, e.action, json(e.detail), e.at, e.caseId, e.actor, e.action, since],
      },
    ])
  }

  async listAudit(caseId: string): Promise<AuditEvent[]> {
    const rows = await this.sql.all<{ case_id: string | null; actor: string; action: string; detail: string | null; at: string }>(
      'SELECT case_id, actor, action, detail, at FROM audit_events WHERE case_id = ? ORDER BY id',
      [caseId],
    )
    return rows.map((r) => ({ caseId: r.case_id, actor: r.actor, action: r.action, detail: parse(r.detail), at: r.at }))
  }

  async createMediator(m: Mediator): Promise<void> {
    await this.sql.batch([mediatorInsert(m)])
  }

  async getMediator(id: string): Promise<Mediator | null> {
    const row = await this.sql.first<MediatorRow>('SELECT * FROM mediators WHERE id = ?', [id])
    return row ? toMediator(row) : null
  }

  async getMediatorByLogin(login: string): Promise<Mediator | null> {
    const row = await this.sql.first<MediatorRow>('SELECT * FROM mediators WHERE login = ?', [login])
    return row ? toMediator(row) : null
  }

  async listMediators(): Promise<Mediator[]> {
    return (await this.sql.all<MediatorRow>('SELECT * FROM mediators ORDER BY login')).map(toMediator)
  }

  async updateMediator(m: Mediator): Promise<void> {
    await this.sql.batch([
      {
        sql: 'UPDATE mediators SET name = ?, role = ?, languages = ?, password_hash = ?, disabled_at = ? WHERE id = ?',
        params: [m.name, m.role, JSON.stringify(m.languages), m.passwordHash, m.disabledAt, m.id],
      },
    ])
  }

  async createMediatorSession(s: MediatorSession): Promise<void> {
    await this.sql.batch([
      {
        sql: 'INSERT INTO mediator_sessions (token_digest, mediator_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        params: [s.tokenDigest, s.mediatorId, s.csrfToken, s.createdAt, s.expiresAt],
      },
    ])
  }

  async getMediatorSession(tokenDigest: string): Promise<MediatorSession | null> {
    const row = await this.sql.first<{ token_digest: string; mediator_id: string; csrf_token: string; created_at: string; expires_at: string }>(
      'SELECT * FROM mediator_sessions WHERE token_digest = ?',
      [tokenDigest],
    )
    return row
      ? { tokenDigest: row.token_digest, mediatorId: row.mediator_id, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at }
      : null
  }

  async deleteMediatorSession(tokenDigest: string): Promise<void> {
    await this.sql.batch([{ sql: 'DELETE FROM mediator_sessions WHERE token_digest = ?', params: [tokenDigest] }])
  }

  async deleteMediatorSessions(mediatorId: string): Promise<number> {
    const [n] = await this.sql.batch([{ sql: 'DELETE FROM mediator_sessions WHERE mediator_id = ?', params: [mediatorId] }])
    return n ?? 0
  }

  async countAnswers(from: string, before: string): Promise<{ lang: string; confidence: string; count: number }[]> {
    return this.sql.all(
      'SELECT lang, confidence, COUNT(*) AS count FROM chat_turns WHERE at >= ? AND at < ? GROUP BY lang, confidence ORDER BY lang, confidence',
      [from, before],
    )
  }

  async purgeChats(before: string): Promise<number> {
    const [, n] = await this.sql.batch([
      {
        sql: `DELETE FROM chat_turns WHERE session_id IN (SELECT id FROM chat_sessions WHERE updated_at < ?
              AND id NOT IN (SELECT session_id FROM cases WHERE session_id IS NOT NULL))`,
        params: [before],
      },
      {
        sql: `DELETE FROM chat_sessions WHERE updated_at < ? AND id NOT IN (SELECT session_id FROM cases WHERE session_id IS NOT NULL)`,
        params: [before],
      },
    ])
    return n ?? 0
  }

  async erasePersonalData(closedBefore: string, at: string): Promise<string[]> {
    const ids = (
      await this.sql.all<{ id: string }>(
        `SELECT id FROM cases WHERE status IN ('resolved', 'referred', 'withdrawn') AND closed_at < ? AND personal_data_erased_at IS NULL`,
        [closedBefore],
      )
    ).map((r) => r.id)
    for (const id of ids) {
      await this.sql.batch([
        { sql: 'DELETE FROM case_contacts WHERE case_id = ?', params: [id] },
        { sql: 'DELETE FROM case_messages WHERE case_id = ?', params: [id] },
        { sql: 'DELETE FROM case_notes WHERE case_id = ?', params: [id] },
        { sql: 'DELETE FROM chat_turns WHERE session_id = (SELECT session_id FROM cases WHERE id = ?)', params: [id] },
        { sql: `UPDATE cases SET party = NULL, outcome = NULL, referral = CASE WHEN referral IS NULL THEN NULL ELSE json_object('to', json_extract(referral, '$.to'), 'note', '') END, personal_data_erased_at = ? WHERE id = ?`, params: [at, id] },
        auditStatement({ caseId: id, actor: 'system', action: 'erase-personal-data', detail: { reason: 'retention' }, at }),
      ])
    }
    return ids
  }
}
