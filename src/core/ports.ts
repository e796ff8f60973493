import type { Lang } from './knowledge/schema.js'

/** The current time; tests pass a fixed or stepping clock. */
export interface Clock {
  now(): Date
}

/** Unguessable identifiers (session ids): at least 128 random bits, URL-safe. */
export interface IdSource {
  sessionId(): string
}

export type ConfidenceBand = 'high' | 'possible' | 'none'

/** One exchange in a chat session. The question text is kept for the mediator handoff; it is never logged. */
export interface SessionTurn {
  at: string
  question: string
  lang: Lang
  confidence: ConfidenceBand
  citations: string[]
  /** The bot's answer, for the transcript a mediator reads (absent in turns stored before it was kept). */
  answer?: string | undefined
}

export interface ChatSession {
  id: string
  createdAt: string
  updatedAt: string
  lang: Lang
  turns: SessionTurn[]
}

/** Where chat sessions live; async because D1 is. */
export interface SessionStore {
  getSession(id: string): Promise<ChatSession | null>
  saveSession(session: ChatSession): Promise<void>
}

/** An in-memory SessionStore, for unit tests and as the default until durable storage is configured. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, ChatSession>()

  constructor(private readonly maxSessions = 50_000) {}

  async getSession(id: string): Promise<ChatSession | null> {
    const session = this.sessions.get(id)
    return session ? structuredClone(session) : null
  }

  async saveSession(session: ChatSession): Promise<void> {
    this.sessions.delete(session.id)
    this.sessions.set(session.id, structuredClone(session))
    if (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value
      if (oldest !== undefined) this.sessions.delete(oldest)
    }
  }
}

/** Thrown by a store that cannot write (full disk, database gone); the HTTP layer answers 503. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError'
}
