import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * The server secret that keys access-code digests: FABAO_SECRET when set, otherwise a random key made once and kept
 * in `file` (mode 0600) beside the database. Losing it makes existing access codes unusable, so back it up too.
 */
export function loadServerSecret(configured: string | undefined, file: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8')
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')
  mkdirSync(dirname(file), { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  return key
}

export { nodeCaseKeys, nodeSessionTokens, scryptPasswords } from '../node-crypto/keys.js'
