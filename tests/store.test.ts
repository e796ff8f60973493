import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src/adapters/node/consultation-runtime.js'
import { scryptPasswords } from '../src/adapters/node/secrets.js'
import { migrationFiles, SqliteStore } from '../src/adapters/node/sqlite-store.js'
import { applyMigrations, splitSqlStatements, toSqlScript } from '../src/adapters/sql/sql-script.js'
import { D1Driver, type D1Database } from '../src/adapters/workers/d1-driver.js'
import { D1Store, D1WechatStore } from '../src/adapters/workers/d1-store.js'
import { StorageUnavailableError } from '../src/core/ports.js'
import { at, describeStoreContract } from './store-contract.js'

const dirs: string[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

describeStoreContract('SQLite :memory:', async () => {
  const store = new SqliteStore(':memory:')
  return { store, close: async () => store.close() }
})

describeStoreContract('SQLite file', async () => {
  const file = join(tempDir('fabao-store-'), 'fabao.db')
  let store = new SqliteStore(file)
  return {
    store,
    reopen: async () => {
      store.close()
      store = new SqliteStore(file)
      return store
    },
    close: async () => store.close(),
  }
})

/**
 * D1 as workerd runs it (Miniflare), persisted to a directory so that a restart is a new Miniflare on the same
 * files. One Miniflare serves the file's tests (starting workerd takes about a second); each test gets an empty
 * database: the migrations applied (once), then every row deleted.
 */
const d1Dir = tempDir('fabao-d1-')
const startD1 = () =>
  new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("") } }', d1Databases: { DB: 'fabao' }, d1Persist: d1Dir })
let miniflare: Miniflare | undefined

async function emptyD1(): Promise<D1Database> {
  miniflare ??= startD1()
  const db: D1Database = await miniflare.getD1Database('DB')
  const driver = new D1Driver(db)
  await applyMigrations(driver, migrationFiles())
  // Children were created after their parents: emptying newest first never trips a foreign key.
  const tables = await driver.all<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY rowid DESC`,
  )
  await driver.batch(tables.map(({ name }) => ({ sql: `DELETE FROM "${name}"` })))
  return db
}

afterAll(async () => {
  await miniflare?.dispose()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describeStoreContract('D1 on Miniflare', async () => ({
  store: new D1Store(await emptyD1()),
  reopen: async () => {
    await miniflare?.dispose()
    miniflare = startD1()
    return new D1Store(await miniflare.getD1Database('DB'))
  },
  close: async () => {},
}))

describe('D1 schema and driver', () => {
  it('builds the same tables and columns from the shared migrations as SQLite does', async () => {
    const db = await emptyD1()
    const d1 = new D1Driver(db)
    const sqlite = new SqliteStore(':memory:')
    const columns = (rows: { tbl: string; name: string; type: string; notnull: number; pk: number }[]) =>
      rows.filter((r) => !['schema_migrations', 'd1_migrations'].includes(r.tbl)).map((r) => `${r.tbl}.${r.name} ${r.type} ${r.notnull} ${r.pk}`)
    const query = `SELECT m.name AS tbl, p.name, p.type, p."notnull" AS "notnull", p.pk FROM sqlite_master m, pragma_table_info(m.name) p
                   WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' ORDER BY m.name, p.cid`
    const fromSqlite = columns(sqlite.database.prepare(query).all() as never)
    expect(fromSqlite.length).toBeGreaterThan(50)
    expect(columns(await d1.all(query))).toEqual(fromSqlite)
    sqlite.close()
    // Applying again applies nothing: the files are recorded in wrangler's own table.
    expect(await applyMigrations(d1, migrationFiles())).toEqual([])
    expect((await d1.all<{ name: string }>('SELECT name FROM d1_migrations ORDER BY id')).map((r) => r.name)).toEqual(migrationFiles().map((f) => f.name))
  })

  it('binds undefined as NULL, accepts an empty batch, and writes a batch all or nothing', async () => {
    const d1 = new D1Driver(await emptyD1())
    expect(await d1.first('SELECT ? AS v', [undefined])).toEqual({ v: null })
    expect(await d1.batch([])).toEqual([])
    await expect(
      d1.batch([
        { sql: "INSERT INTO chat_sessions (id, created_at, updated_at, lang) VALUES ('s1', ?, ?, 'ru')", params: [at(0), at(0)] },
        { sql: "INSERT INTO chat_sessions (id, created_at, updated_at, lang) VALUES ('s2', ?, ?, 'xx')", params: [at(0), at(0)] },
      ]),
    ).rejects.toThrow(/CHECK constraint failed/)
    expect(await d1.all('SELECT id FROM chat_sessions')).toEqual([])
  })

  it('turns D1 storage failures into StorageUnavailableError and passes other errors on', async () => {
    // The messages D1 gives (local workerd on a full disk gave the first; the others are from D1's error list).
    const failing = (message: string): D1Database => {
      const fail = async () => {
        throw new Error(message)
      }
      const statement = { bind: () => statement, all: fail, first: fail }
      return { prepare: () => statement, batch: fail }
    }
    const storageFailures = [
      'database or disk is full: SQLITE_FULL',
      'D1_ERROR: database or disk is full: SQLITE_FULL',
      'D1_ERROR: disk I/O error: SQLITE_IOERR (extended: SQLITE_IOERR_WRITE)',
      'D1_ERROR: attempt to write a readonly database: SQLITE_READONLY',
      'D1_ERROR: database is locked: SQLITE_BUSY',
      'D1_ERROR: Exceeded maximum DB size',
      'D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.',
      'D1_ERROR: D1 DB is overloaded. Too many requests queued.',
      'D1_ERROR: Network connection lost.',
    ]
    for (const message of storageFailures) {
      const store = new D1Store(failing(message))
      await expect(store.saveSession({ id: 's', createdAt: at(0), updatedAt: at(0), lang: 'ru', turns: [] }), message).rejects.toBeInstanceOf(StorageUnavailableError)
      await expect(store.getCase('c1'), message).rejects.toBeInstanceOf(StorageUnavailableError)
    }
    for (const message of ['D1_ERROR: UNIQUE constraint failed: cases.access_digest: SQLITE_CONSTRAINT', 'D1_ERROR: no such table: cases: SQLITE_ERROR']) {
      const error = await new D1Store(failing(message)).getCase('c1').catch((e: unknown) => e)
      expect(error).not.toBeInstanceOf(StorageUnavailableError)
      expect((error as Error).message).toBe(message)
    }
  })

  it('keeps the WeChat channel state on D1 too', async () => {
    const wechat = new D1WechatStore(await emptyD1())
    expect(await wechat.claimMessage('msg:1', 'open-id-1', at(0))).toBe(true)
    expect(await wechat.claimMessage('msg:1', 'open-id-1', at(1))).toBe(false)
    await wechat.saveMessageReply('msg:1', '您好', 'passive')
    expect(await wechat.messageReply('msg:1')).toEqual({ reply: '您好', delivery: 'passive' })
  })
})

describe('SQL scripts', () => {
  it('splits migration text into statements at top-level semicolons only', () => {
    const text = `-- a comment; with a semicolon
CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INTEGER); /* block; comment */
INSERT INTO t (a) VALUES ('it''s; fine');
`
    expect(splitSqlStatements(text)).toEqual([`CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INTEGER)`, `INSERT INTO t (a) VALUES ('it''s; fine')`])
  })

  it('writes parameters into a script as literals that read back as the same values', async () => {
    const store = new SqliteStore(':memory:')
    const name = `O'Brien; DROP TABLE cases; -- ? 王`
    const script = toSqlScript([
      { sql: 'INSERT INTO mediators (id, login, name, role, languages, password_hash, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', params: ['m-1', 'obrien', name, 'mediator', '["ru"]', 'h', undefined, at(0)] },
    ])
    store.database.exec(script)
    expect(await store.getMediatorByLogin('obrien')).toMatchObject({ name, disabledAt: null, languages: ['ru'] })
    expect(await store.listCases()).toEqual([])
    store.close()
  })
})

describe('npm run mediator:add -- --d1-sql', () => {
  it('prints an INSERT for D1 with the scrypt hash, never the password, and writes no local database', async () => {
    const password = 'correct horse battery staple'
    const dataDir = tempDir('fabao-mediator-cli-')
    const { FABAO_DB: _configuredDb, ...env } = process.env
    const sql = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/cli/mediator.ts'), 'add', '--login', 'wang', '--name', '王调解员', '--languages', 'zh,ru', '--d1-sql'],
      { cwd: REPO_ROOT, env: { ...env, FABAO_DATA_DIR: dataDir, FABAO_MEDIATOR_PASSWORD: password }, encoding: 'utf8' },
    )
    expect(sql).toMatch(/^INSERT INTO mediators .*;\n$/)
    expect(sql).not.toContain(password)
    expect(execFileSync('ls', ['-A', dataDir], { encoding: 'utf8' })).toBe('')

    const db = await emptyD1()
    const driver = new D1Driver(db)
    await driver.batch(splitSqlStatements(sql).map((statement) => ({ sql: statement })))
    const m = await new D1Store(db).getMediatorByLogin('wang')
    expect(m).toMatchObject({ login: 'wang', name: '王调解员', role: 'mediator', languages: ['zh', 'ru'], disabledAt: null })
    expect(await scryptPasswords.verify(password, m!.passwordHash)).toBe(true)
    expect(await scryptPasswords.verify('wrong password!!', m!.passwordHash)).toBe(false)
  }, 60_000)
})
