import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import type { Lang } from '../../core/knowledge/schema.js'
import {
  StorageUnavailableError,
  type ChatSession,
  type ConfidenceBand,
  type SessionStore,
} from '../../core/ports.js'
import { REPO_ROOT } from './consultation-runtime.js'

export const MIGRATIONS_DIR = join(REPO_ROOT, 'src', 'adapters', 'migrations')

/** Applies the numbered SQL files of `migrations/` not yet recorded in `schema_migrations`, each in a transaction. */
export function migrate(db: Database.Database, dir = MIGRATIONS_DIR): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  let count = 0
  for (const file of readdirSync(dir).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort()) {
    const version = Number(file.slice(0, 4))
    if (applied.has(version)) continue
    const sql = readFileSync(join(dir, file), 'utf8')
    db.transaction(() => {
      db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, new Date().toISOString())
    })()
    count++
  }
  return count
}

const STORAGE_FAILURES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED)/

function asStorageError(error: unknown): never {
  const code = (error as { code?: string })?.code ?? ''
  if (STORAGE_FAILURES.test(code)) throw new StorageUnavailableError(code)
  throw error
}

interface TurnRow {
  seq: number
  at: string
  question: string
  lang: Lang
  confidence: ConfidenceBand
  citations: string
}

/**
 * Chat sessions in SQLite (better-sqlite3): WAL with synchronous=FULL, so a turn acknowledged to the user survives
 * a crash or power loss. Writes run in one transaction each; a full or broken disk raises StorageUnavailableError.
 */
export class SqliteSessionStore implements SessionStore {
  readonly db: Database.Database

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    migrate(this.db)
  }

  async getSession(id: string): Promise<ChatSession | null> {
    try {
      const row = this.db.prepare('SELECT id, created_at, updated_at, lang FROM chat_sessions WHERE id = ?').get(id) as
        | { id: string; created_at: string; updated_at: string; lang: Lang }
        | undefined
      if (!row) return null
      const turns = this.db
        .prepare('SELECT seq, at, question, lang, confidence, citations FROM chat_turns WHERE session_id = ? ORDER BY seq')
        .all(id) as TurnRow[]
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
        })),
      }
    } catch (error) {
      return asStorageError(error)
    }
  }

  async saveSession(session: ChatSession): Promise<void> {
    try {
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO chat_sessions (id, created_at, updated_at, lang) VALUES (?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, lang = excluded.lang`,
          )
          .run(session.id, session.createdAt, session.updatedAt, session.lang)
        const stored = this.db.prepare('SELECT COUNT(*) FROM chat_turns WHERE session_id = ?').pluck().get(session.id) as number
        const insert = this.db.prepare(
          'INSERT INTO chat_turns (session_id, seq, at, question, lang, confidence, citations) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        session.turns.slice(stored).forEach((turn, i) => {
          insert.run(session.id, stored + i, turn.at, turn.question, turn.lang, turn.confidence, JSON.stringify(turn.citations))
        })
      })()
    } catch (error) {
      asStorageError(error)
    }
  }

  close(): void {
    this.db.close()
  }
}
