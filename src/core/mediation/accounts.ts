import type { Lang } from '../knowledge/schema.js'
import type { Clock } from '../ports.js'
import type { Mediator, MediatorRole, MediatorSession } from './case.js'
import type { Store } from './store.js'

/** Password hashing (scrypt on Node); hashes are self-describing strings. */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(password: string, hash: string): Promise<boolean>
}

/** Random tokens and digests for mediator sessions. */
export interface SessionTokens {
  /** At least 128 random bits, URL-safe. */
  token(): string
  /** sha256 hex: only digests of session tokens are stored. */
  digest(token: string): Promise<string>
}

export interface AccountDeps {
  store: Store
  clock: Clock
  passwords: PasswordHasher
  tokens: SessionTokens
  /** How long a mediator stays signed in. */
  sessionHours: number
}

export const MIN_PASSWORD_LENGTH = 12

export class AccountError extends Error {
  override readonly name = 'AccountError'
  constructor(readonly code: 'login_taken' | 'weak_password' | 'no_such_mediator' | 'invalid_login') {
    super(code)
  }
}

const LOGIN = /^[a-z0-9][a-z0-9._-]{1,31}$/

export async function addMediator(
  deps: Pick<AccountDeps, 'store' | 'clock' | 'passwords' | 'tokens'>,
  input: { login: string; name: string; role: MediatorRole; languages: Lang[]; password: string },
): Promise<Mediator> {
  if (!LOGIN.test(input.login)) throw new AccountError('invalid_login')
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new AccountError('weak_password')
  if (await deps.store.getMediatorByLogin(input.login)) throw new AccountError('login_taken')
  const mediator: Mediator = {
    id: `m-${deps.tokens.token().slice(0, 12)}`,
    login: input.login,
    name: input.name,
    role: input.role,
    languages: input.languages,
    passwordHash: await deps.passwords.hash(input.password),
    disabledAt: null,
    createdAt: deps.clock.now().toISOString(),
  }
  await deps.store.createMediator(mediator)
  return mediator
}

/** Disables an account and ends all its sessions at once. */
export async function disableMediator(deps: Pick<AccountDeps, 'store' | 'clock'>, login: string): Promise<number> {
  const m = await deps.store.getMediatorByLogin(login)
  if (!m) throw new AccountError('no_such_mediator')
  await deps.store.updateMediator({ ...m, disabledAt: m.disabledAt ?? deps.clock.now().toISOString() })
  return deps.store.deleteMediatorSessions(m.id)
}

/** Sets a new password and ends the account's sessions. */
export async function changePassword(deps: Pick<AccountDeps, 'store' | 'passwords'>, login: string, password: string): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new AccountError('weak_password')
  const m = await deps.store.getMediatorByLogin(login)
  if (!m) throw new AccountError('no_such_mediator')
  await deps.store.updateMediator({ ...m, passwordHash: await deps.passwords.hash(password) })
  await deps.store.deleteMediatorSessions(m.id)
}

/** Checks a login; on success opens a session and returns its token (for the cookie) and CSRF token. */
export async function signIn(deps: AccountDeps, login: string, password: string) {
  const m = await deps.store.getMediatorByLogin(login.trim().toLowerCase())
  // Verify against a fixed hash when the login is unknown, so timing does not tell which logins exist.
  const ok = await deps.passwords.verify(password, m?.passwordHash ?? UNKNOWN_LOGIN_HASH)
  if (!m || !ok || m.disabledAt) return null
  const token = deps.tokens.token()
  const now = deps.clock.now()
  const session: MediatorSession = {
    tokenDigest: await deps.tokens.digest(token),
    mediatorId: m.id,
    csrfToken: deps.tokens.token(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.sessionHours * 3_600_000).toISOString(),
  }
  await deps.store.createMediatorSession(session)
  await deps.store.audit({ caseId: null, actor: `mediator:${m.id}`, action: 'sign-in', detail: null, at: session.createdAt })
  return { token, session, mediator: m }
}

/** The signed-in mediator for a session token, or null when unknown, expired or disabled. */
export async function mediatorForToken(deps: Pick<AccountDeps, 'store' | 'clock' | 'tokens'>, token: string | undefined) {
  if (!token) return null
  const session = await deps.store.getMediatorSession(await deps.tokens.digest(token))
  if (!session || session.expiresAt <= deps.clock.now().toISOString()) return null
  const mediator = await deps.store.getMediator(session.mediatorId)
  if (!mediator || mediator.disabledAt) return null
  return { mediator, session }
}

export async function signOut(deps: Pick<AccountDeps, 'store' | 'tokens'>, token: string): Promise<void> {
  await deps.store.deleteMediatorSession(await deps.tokens.digest(token))
}

/** A well-formed hash no password matches (scrypt of random bytes), used for unknown logins. */
export const UNKNOWN_LOGIN_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
