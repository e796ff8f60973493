import type { Store } from '../../core/mediation/store.js'
import { MemorySessionStore, type ChatSession } from '../../core/ports.js'

/** Chat sessions one isolate remembers (a follow-up question usually reaches the same isolate; if not, it starts afresh). */
const SESSIONS_PER_ISOLATE = 2_000

const keptCentrally = (): never => {
  throw new Error('this Worker keeps no cases (FABAO_EDGE_CASES=off); the case routes answer cases_elsewhere before reaching the store')
}

/**
 * The Store of a Worker that only answers questions (FABAO_EDGE_CASES=off): nothing reaches a database outside
 * mainland China. Chat sessions live in the isolate's memory, so a follow-up keeps its context while the isolate
 * lives; there are no cases, no mediators and nothing to report. Writing a case is a programming error: the HTTP
 * app refuses those routes first.
 */
export class AnswerOnlyStore implements Store {
  private readonly sessions = new MemorySessionStore(SESSIONS_PER_ISOLATE)

  getSession(id: string): Promise<ChatSession | null> {
    return this.sessions.getSession(id)
  }
  saveSession(session: ChatSession): Promise<void> {
    return this.sessions.saveSession(session)
  }

  async getCase() { return null }
  async getCaseByAccessDigest() { return null }
  async openCaseOfSession() { return null }
  async listCases() { return [] }
  async listMessages() { return [] }
  async latestMessages() { return new Map() }
  async listNotes() { return [] }
  async getContact() { return null }
  async listAudit() { return [] }
  async getMediator() { return null }
  async getMediatorByLogin() { return null }
  async listMediators() { return [] }
  async getMediatorSession() { return null }
  async countAnswers() { return [] }
  async purgeChats() { return 0 }
  async erasePersonalData() { return [] }
  async deleteMediatorSession() {}
  async deleteMediatorSessions() { return 0 }

  createCase = keptCentrally
  updateCase = keptCentrally
  appendMessage = keptCentrally
  addNote = keptCentrally
  eraseContact = keptCentrally
  audit = keptCentrally
  auditUnlessSince = keptCentrally
  createMediator = keptCentrally
  updateMediator = keptCentrally
  createMediatorSession = keptCentrally
}
