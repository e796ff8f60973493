/**
 * The little SQL a store needs, over SQLite (better-sqlite3 on Node) or D1 (Workers): reads, and atomic batches
 * of writes. Statements use `?` placeholders. Drivers turn a full or broken disk into StorageUnavailableError.
 */
export interface SqlStatement {
  sql: string
  params?: readonly unknown[]
}

/** What one statement of a batch did: the rows it changed and the rows it returned (`… RETURNING`). */
export interface SqlResult {
  changes: number
  rows: Record<string, unknown>[]
}

export interface SqlDriver {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>
  first<T>(sql: string, params?: readonly unknown[]): Promise<T | null>
  /** Runs the statements in one transaction; resolves with the rows each changed, once durable. */
  batch(statements: readonly SqlStatement[]): Promise<number[]>
  /** Like `batch`, and also with the rows each statement returned, for writes that must read what they wrote. */
  batchResults(statements: readonly SqlStatement[]): Promise<SqlResult[]>
}
