/**
 * Mediator accounts, on the configured database (FABAO_DB / FABAO_DATA_DIR):
 *   npm run mediator:add -- --login wang --name "王调解员" --role mediator|supervisor --languages zh,ru
 *   npm run -s mediator:add -- --login wang … --d1-sql > wang.sql (for D1: prints the INSERT, writes nothing here;
 *     apply with `npx wrangler d1 execute <database> --remote --file=wang.sql`, then delete the file)
 *   npm run mediator:disable -- --login wang      (ends the account's sessions at once)
 *   npm run mediator:passwd -- --login wang       (ends the account's sessions)
 * Passwords are read from FABAO_MEDIATOR_PASSWORD or asked on the terminal (never a command-line argument);
 * at least 12 characters; stored as scrypt hashes. There is no default account and no default password.
 */
import { createInterface } from 'node:readline/promises'
import { resolve } from 'node:path'
import { z } from 'zod'
import { databaseFile, readConfig } from '../config.js'
import { addMediator, changePassword, disableMediator, AccountError } from '../core/mediation/accounts.js'
import { LANGS } from '../core/knowledge/schema.js'
import { systemClock } from '../adapters/node/consultation-runtime.js'
import { nodeSessionTokens, scryptPasswords } from '../adapters/node/secrets.js'
import { SqliteStore } from '../adapters/node/sqlite-store.js'
import { toSqlScript } from '../adapters/sql/sql-script.js'
import { mediatorInsert } from '../adapters/sql/sql-store.js'

const [command, ...rest] = process.argv.slice(2)
const arg = (name: string) => (rest.includes(`--${name}`) ? rest[rest.indexOf(`--${name}`) + 1] : undefined)
// D1 lives in Cloudflare: with --d1-sql the account is made on a throwaway store and printed as SQL (hash only).
const d1Sql = rest.includes('--d1-sql')

async function readPassword(): Promise<string> {
  if (process.env.FABAO_MEDIATOR_PASSWORD) return process.env.FABAO_MEDIATOR_PASSWORD
  // The prompt goes to stderr so that stdout carries only the output (the SQL of --d1-sql).
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  const password = await rl.question('password (at least 12 characters): ')
  rl.close()
  return password
}

const config = readConfig(process.env)
const store = new SqliteStore(d1Sql ? ':memory:' : resolve(databaseFile(config)))
const deps = { store, clock: systemClock, passwords: scryptPasswords, tokens: nodeSessionTokens }
try {
  const login = z.string().min(1).parse(arg('login'))
  if (command === 'add') {
    const role = z.enum(['mediator', 'supervisor']).parse(arg('role') ?? 'mediator')
    const languages = z.array(z.enum(LANGS)).min(1).parse((arg('languages') ?? 'zh').split(','))
    const name = z.string().min(1).parse(arg('name') ?? login)
    const m = await addMediator(deps, { login, name, role, languages, password: await readPassword() })
    if (d1Sql) process.stdout.write(toSqlScript([mediatorInsert(m)]))
    else console.log(`added ${m.role} ${m.login} (${m.languages.join(',')})`)
  } else if (d1Sql) {
    throw new Error('--d1-sql: only `mediator add` prints SQL for D1')
  } else if (command === 'disable') {
    const ended = await disableMediator(deps, login)
    console.log(`disabled ${login}; ended ${ended} session(s)`)
  } else if (command === 'passwd') {
    await changePassword(deps, login, await readPassword())
    console.log(`password changed for ${login}; its sessions were ended`)
  } else {
    throw new Error('usage: mediator add|disable|passwd --login LOGIN')
  }
} catch (error) {
  const message = error instanceof AccountError ? error.code : error instanceof z.ZodError ? error.issues.map((i) => i.message).join('; ') : (error as Error).message
  console.error(`mediator ${command ?? ''}: ${message}`)
  process.exitCode = 1
} finally {
  store.close()
}
