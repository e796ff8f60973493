import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { StorageUnavailableError } from '../../core/ports.js'
import type { SqlDriver, SqlResult, SqlStatement } from '../sql/sql-driver.js'
import type { MigrationFile } from '../sql/sql-script.js'
import { SqlStore } from '../sql/sql-store.js'
import { REPO_ROOT } from './consultation-runtime.js'

export const MIGRATIONS_DIR = join(REPO_ROOT, 'src', 'adapters', 'migrations')

/** The numbered SQL files of `migrations/` (`NNNN_name.sql`) in order: the same files SQLite and D1 apply. */
export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }))
}

/** Applies the numbered SQL files of `migrations/` not yet recorded in `schema_migrations`, each in a transaction. */
export function migrate(db: Database.Database, dir = MIGRATIONS_DIR): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
  let count = 0
  for (const { name: file, sql } of migrationFiles(dir)) {
    const version = Number(file.slice(0, 4))
    if (applied.has(version)) continue
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

/** better-sqlite3 as a SqlDriver: synchronous underneath, so a batch is one real transaction. */
export class BetterSqliteDriver implements SqlDriver {
  constructor(readonly db: Database.Database) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return this.db.prepare(sql).all(...params) as T[]
    } catch (error) {
      return asStorageError(error)
    }
  }

  async first<T>(sql: string, params: readonly unknown[] = []): Promise<T | null> {
    try {
      return (this.db.prepare(sql).get(...params) as T | undefined) ?? null
    } catch (error) {
      return asStorageError(error)
    }
  }

  async batch(statements: readonly SqlStatement[]): Promise<number[]> {
    return (await this.batchResults(statements)).map((r) => r.changes)
  }

  async batchResults(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    try {
      return this.db.transaction(() =>
        statements.map((s): SqlResult => {
          const statement = this.db.prepare(s.sql)
          if (!statement.reader) return { changes: statement.run(...(s.params ?? [])).changes, rows: [] }
          // `… RETURNING`: all() runs it to completion; changes() then counts what it wrote.
          const rows = statement.all(...(s.params ?? [])) as Record<string, unknown>[]
          return { changes: this.db.prepare('SELECT changes() AS n').pluck().get() as number, rows }
        }),
      )()
    } catch (error) {
      return asStorageError(error)
    }
  }
}

/**
 * The Store in SQLite: WAL with synchronous=FULL, so a write acknowledged to a user survives a crash or power loss;
 * migrations applied at open. `:memory:` gives a throwaway store for tests.
 */
export class SqliteStore extends SqlStore {
  readonly database: Database.Database

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db)
    super(new BetterSqliteDriver(db))
    this.database = db
  }

  close(): void {
    this.database.close()
  }
}
