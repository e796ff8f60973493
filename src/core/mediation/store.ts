import type { SessionStore } from '../ports.js'
import type {
  AuditEvent,
  CaseMessage,
  CaseNote,
  CaseRecord,
  CaseStatus,
  Mediator,
  MediatorSession,
  MessageAuthor,
  TouristContact,
} from './case.js'

/**
 * Everything the service stores, async because D1 is. A write resolves only once it is durable; a store that
 * cannot write throws StorageUnavailableError. One contract suite (tests/store-contract.ts) runs against every
 * implementation.
 */
export interface Store extends SessionStore {
  /** Creates a case with its transcript, its creation audit event and, with consent, the contact, atomically. */
  createCase(input: {
    record: CaseRecord
    transcript: Omit<CaseMessage, 'seq'>[]
    contact: { details: TouristContact; consentAt: string } | null
    audit: AuditEvent
  }): Promise<void>
  getCase(id: string): Promise<CaseRecord | null>
  getCaseByAccessDigest(digest: string): Promise<CaseRecord | null>
  /** The newest case of a chat session that is not closed. */
  openCaseOfSession(sessionId: string): Promise<CaseRecord | null>
  listCases(filter?: { statuses?: readonly CaseStatus[]; createdFrom?: string; createdBefore?: string }): Promise<CaseRecord[]>
  /**
   * Writes `record` if the stored case still has `expectedUpdatedAt` (so two mediators cannot both claim it), with
   * its audit event, atomically. Resolves false when someone else changed the case first.
   */
  updateCase(record: CaseRecord, expectedUpdatedAt: string, audit: AuditEvent): Promise<boolean>
  /** Appends a message; a mediator's first one also sets the case's `firstReplyAt`. Resolves with its seq. */
  appendMessage(caseId: string, message: { from: MessageAuthor; mediatorId: string | null; text: string; at: string }): Promise<number>
  listMessages(caseId: string, afterSeq?: number): Promise<CaseMessage[]>
  /** The newest message of each case, in one read (the queue shows who spoke last). */
  latestMessages(caseIds: readonly string[]): Promise<Map<string, { from: MessageAuthor; at: string }>>
  addNote(caseId: string, note: { mediatorId: string; text: string; at: string }): Promise<void>
  listNotes(caseId: string): Promise<CaseNote[]>
  getContact(caseId: string): Promise<{ details: TouristContact; consentAt: string } | null>
  /** Deletes the contact details of a case (the tourist's request, or retention), with its audit event. */
  eraseContact(caseId: string, audit: AuditEvent): Promise<void>
  audit(event: AuditEvent): Promise<void>
  /** Records the event unless the same actor recorded the same action on the case at or after `since`. */
  auditUnlessSince(event: AuditEvent, since: string): Promise<void>
  listAudit(caseId: string): Promise<AuditEvent[]>

  createMediator(mediator: Mediator): Promise<void>
  getMediator(id: string): Promise<Mediator | null>
  getMediatorByLogin(login: string): Promise<Mediator | null>
  listMediators(): Promise<Mediator[]>
  updateMediator(mediator: Mediator): Promise<void>
  createMediatorSession(session: MediatorSession): Promise<void>
  getMediatorSession(tokenDigest: string): Promise<MediatorSession | null>
  deleteMediatorSession(tokenDigest: string): Promise<void>
  deleteMediatorSessions(mediatorId: string): Promise<number>

  /** Chat answers in [from, before) counted by language and confidence band (for the monthly report). */
  countAnswers(from: string, before: string): Promise<{ lang: string; confidence: string; count: number }[]>

  /** Deletes chat sessions last active before `before` that never became a case; resolves with how many. */
  purgeChats(before: string): Promise<number>
  /**
   * Erases the personal data of cases closed before `closedBefore` (contact, other party, transcript, notes),
   * keeping the anonymous facts reports count; resolves with the ids erased.
   */
  erasePersonalData(closedBefore: string, at: string): Promise<string[]>
}
