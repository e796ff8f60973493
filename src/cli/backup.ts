/**
 * npm run backup [-- DEST] — an online backup of the database (SQLite's backup API: consistent while the server
 * runs) to DEST (default $FABAO_DATA_DIR/backups/fabao-<UTC time>.db), plus a copy of secret.key, without which the
 * access codes of existing cases cannot be checked.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { databaseFile, readConfig } from '../config.js'

const config = readConfig(process.env)
const source = resolve(databaseFile(config))
const stamp = new Date().toISOString().replace(/[:.]/g, '-')
const dest = resolve(process.argv[2] ?? join(config.FABAO_DATA_DIR, 'backups', `fabao-${stamp}.db`))
mkdirSync(dirname(dest), { recursive: true })
const db = new Database(source, { readonly: true, fileMustExist: true })
await db.backup(dest)
db.close()
const key = join(resolve(config.FABAO_DATA_DIR), 'secret.key')
if (existsSync(key)) copyFileSync(key, `${dest}.secret.key`)
console.log(`backup written to ${dest}${existsSync(key) ? ` (and ${dest}.secret.key)` : ''}`)
