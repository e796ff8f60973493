import { StorageUnavailableError } from '../../core/ports.js'
import type { SqlDriver, SqlResult, SqlStatement } from '../sql/sql-driver.js'

/*
 * The part of the Workers D1 binding this driver uses, declared structurally here rather than pulling in
 * @cloudflare/workers-types (whose globals clash with Node's).
 */
export interface D1Result<T = Record<string, unknown>> {
  results?: T[]
  success: boolean
  meta: { changes?: number } & Record<string, unknown>
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>
  first<T = Record<string, unknown>>(): Promise<T | null>
}

export interface D1Database {
  prepare(sql: string): D1PreparedStatement
  batch<T = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>
}

/**
 * D1 errors that mean the database cannot take the write (or the read) now, rather than that the statement is wrong:
 * SQLite's own codes as D1 passes them on (`D1_ERROR: database or disk is full: SQLITE_FULL`; local workerd says
 * `database or disk is full: SQLITE_FULL` without the prefix), D1's size limits, and the resets, overloads and lost
 * connections its documentation lists as retryable.
 */
const STORAGE_FAILURES = [
  /\bSQLITE_(FULL|IOERR\w*|READONLY\w*|CANTOPEN\w*|CORRUPT\w*|NOTADB|BUSY\w*|LOCKED\w*)\b/,
  /database or disk is full/i,
  /exceeded maximum DB size/i,
  /maximum (account )?storage/i,
  /storage caused object to be reset/i,
  /storage operation exceeded timeout/i,
  /reset because its code was updated/i,
  /D1 DB is overloaded/i,
  /too many requests queued/i,
  /network connection lost/i,
  /transient issue on remote node/i,
  /exceeded its (memory|CPU time) limit/i,
]

/** Which storage failure an error from the D1 binding is, or null when it is some other error. */
export function d1StorageFailure(error: unknown): string | null {
  const texts = [error instanceof Error ? error.message : String(error)]
  const cause = (error as { cause?: unknown } | null)?.cause
  if (cause !== undefined) texts.push(cause instanceof Error ? cause.message : String(cause))
  for (const text of texts) {
    for (const pattern of STORAGE_FAILURES) {
      const match = pattern.exec(text)
      if (match) return match[0]
    }
  }
  return null
}

function asStorageError(error: unknown): never {
  const failure = d1StorageFailure(error)
  // Only the matched phrase travels on: D1 messages can quote SQL, never our parameters, but keep it short.
  if (failure) throw new StorageUnavailableError(`D1: ${failure}`)
  throw error
}

// D1 rejects `undefined` ("D1_TYPE_ERROR: Type 'undefined' not supported"); SQLite's driver binds it as NULL.
const bindable = (params: readonly unknown[] = []) => params.map((p) => (p === undefined ? null : p))

/**
 * D1 as a SqlDriver. `batch` is D1's own `db.batch()`: one implicit transaction, all statements or none. D1 counts a
 * statement's `meta.changes` as the change in `total_changes()`, so rows removed by `ON DELETE CASCADE` count too
 * (better-sqlite3 counts only the statement's own rows); the store's statements delete children first, so the
 * counts agree.
 */
export class D1Driver implements SqlDriver {
  constructor(readonly db: D1Database) {}

  private statement(sql: string, params?: readonly unknown[]): D1PreparedStatement {
    const prepared = this.db.prepare(sql)
    return params && params.length > 0 ? prepared.bind(...bindable(params)) : prepared
  }

  async all<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    try {
      return (await this.statement(sql, params).all<T>()).results ?? []
    } catch (error) {
      return asStorageError(error)
    }
  }

  async first<T>(sql: string, params?: readonly unknown[]): Promise<T | null> {
    try {
      return (await this.statement(sql, params).first<T>()) ?? null
    } catch (error) {
      return asStorageError(error)
    }
  }

  async batch(statements: readonly SqlStatement[]): Promise<number[]> {
    return (await this.batchResults(statements)).map((r) => r.changes)
  }

  async batchResults(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    // D1 refuses an empty batch ("No SQL statements detected"); nothing to write is a successful write.
    if (statements.length === 0) return []
    try {
      const results = await this.db.batch(statements.map((s) => this.statement(s.sql, s.params)))
      return results.map((r) => ({ changes: r.meta.changes ?? 0, rows: r.results ?? [] }))
    } catch (error) {
      return asStorageError(error)
    }
  }
}
