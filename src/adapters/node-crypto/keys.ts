import { createHash, createHmac, randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { PasswordHasher, SessionTokens } from '../../core/mediation/accounts.js'
import { ACCESS_CODE_DIGITS, type CaseKeys } from '../../core/mediation/access-code.js'

/*
 * Case ids, access-code digests, mediator session tokens and password hashes over the node:crypto API, which both
 * runtimes have: Node, and workerd with the nodejs_compat flag (the Worker). The same secret gives the same digests
 * in both, and a password hashed by `npm run mediator:add` verifies on either.
 */

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export function nodeCaseKeys(secret: Buffer): CaseKeys {
  return {
    caseId() {
      const chars = Array.from(randomBytes(8), (b) => CROCKFORD[b % 32]).join('')
      return `HH-${chars.slice(0, 4)}-${chars.slice(4)}`
    },
    accessCode() {
      return Array.from({ length: ACCESS_CODE_DIGITS }, () => String(randomInt(0, 10))).join('')
    },
    async digest(digits) {
      return createHmac('sha256', secret).update(`access-code:${digits}`).digest('hex')
    },
  }
}

export const nodeSessionTokens: SessionTokens = {
  token: () => randomBytes(24).toString('base64url'),
  digest: async (token) => createHash('sha256').update(token).digest('hex'),
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 }

export const scryptPasswords: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(16)
    const key = await scrypt(password.normalize('NFC'), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 })
    return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$')
  },
  async verify(password, hash) {
    const [kind, n, r, p, salt, key] = hash.split('$')
    if (kind !== 'scrypt' || !salt || !key) return false
    const expected = Buffer.from(key, 'base64url')
    const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, {
      N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
    })
    return actual.length === expected.length && timingSafeEqual(actual, expected)
  },
}
