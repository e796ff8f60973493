import type { SqlDriver, SqlStatement } from './sql-driver.js'

/** One numbered migration file of `src/adapters/migrations/` (read by the Node adapter; wrangler reads them itself). */
export interface MigrationFile {
  name: string
  sql: string
}

/** The table `wrangler d1 migrations apply` records applied files in (its default `migrations_table`). */
export const D1_MIGRATIONS_TABLE = 'd1_migrations'

type Segment = { kind: 'code' | 'quoted' | 'comment'; text: string }

/** Cuts SQL text into code, quoted ('…', "…", `…`, […]) and comment pieces, so `;` and `?` are found only in code. */
function segments(sql: string): Segment[] {
  const out: Segment[] = []
  let code = ''
  let i = 0
  const closers: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' }
  while (i < sql.length) {
    const c = sql[i]!
    let end = -1
    let kind: Segment['kind'] = 'quoted'
    if (c === '-' && sql[i + 1] === '-') {
      kind = 'comment'
      end = sql.indexOf('\n', i)
      end = end === -1 ? sql.length : end + 1
    } else if (c === '/' && sql[i + 1] === '*') {
      kind = 'comment'
      end = sql.indexOf('*/', i + 2)
      end = end === -1 ? sql.length : end + 2
    } else if (closers[c]) {
      const close = closers[c]!
      end = i + 1
      // A doubled quote inside a quoted piece is an escaped quote, not its end.
      for (;;) {
        end = sql.indexOf(close, end)
        if (end === -1) throw new Error('unterminated quote in SQL')
        if (close !== ']' && sql[end + 1] === close) end += 2
        else break
      }
      end += 1
    }
    if (end === -1) {
      code += c
      i++
      continue
    }
    if (code) out.push({ kind: 'code', text: code })
    code = ''
    out.push({ kind, text: sql.slice(i, end) })
    i = end
  }
  if (code) out.push({ kind: 'code', text: code })
  return out
}

/**
 * The statements of an SQL file, without comments, split at top-level `;`. Enough for our migrations (no triggers:
 * a `BEGIN … END` trigger body would be cut at its inner `;`).
 */
export function splitSqlStatements(sql: string): string[] {
  const statements: string[] = []
  let current = ''
  for (const s of segments(sql)) {
    if (s.kind === 'comment') {
      current += ' '
      continue
    }
    if (s.kind === 'quoted') {
      current += s.text
      continue
    }
    const parts = s.text.split(';')
    current += parts[0]
    for (const part of parts.slice(1)) {
      statements.push(current)
      current = part
    }
  }
  statements.push(current)
  return statements.map((s) => s.trim()).filter(Boolean)
}

/** A value as an SQL literal, for scripts that are applied elsewhere (`wrangler d1 execute --file`). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('not a finite number')
    return String(value)
  }
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new Error('NUL in SQL text')
    return `'${value.replaceAll("'", "''")}'`
  }
  throw new Error(`cannot write ${typeof value} as an SQL literal`)
}

/** Statements with their parameters written in as literals, one per line, each ending in `;`. */
export function toSqlScript(statements: readonly SqlStatement[]): string {
  return statements
    .map(({ sql, params = [] }) => {
      let next = 0
      const text = segments(sql)
        .filter((s) => s.kind !== 'comment')
        .map((s) => (s.kind === 'quoted' ? s.text : s.text.replace(/\?/g, () => sqlLiteral(params[next++]))))
        .join('')
      if (next !== params.length) throw new Error(`statement has ${next} placeholders for ${params.length} parameters`)
      return `${text.replace(/\s+/g, ' ').trim()};\n`
    })
    .join('')
}

/**
 * Applies the migration files not yet recorded, each file with its record in one atomic batch, over any SqlDriver.
 * Records go in wrangler's own table (`d1_migrations`, same columns), so a D1 database migrated here and one migrated
 * by `wrangler d1 migrations apply` agree on what is applied. (SQLite on Node keeps its `schema_migrations`.)
 * Resolves with the names applied now.
 */
export async function applyMigrations(driver: SqlDriver, files: readonly MigrationFile[]): Promise<string[]> {
  await driver.batch([
    {
      sql: `CREATE TABLE IF NOT EXISTS ${D1_MIGRATIONS_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
    },
  ])
  const applied = new Set((await driver.all<{ name: string }>(`SELECT name FROM ${D1_MIGRATIONS_TABLE}`)).map((r) => r.name))
  const done: string[] = []
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (applied.has(file.name)) continue
    await driver.batch([
      ...splitSqlStatements(file.sql).map((sql) => ({ sql })),
      { sql: `INSERT INTO ${D1_MIGRATIONS_TABLE} (name) VALUES (?)`, params: [file.name] },
    ])
    done.push(file.name)
  }
  return done
}
