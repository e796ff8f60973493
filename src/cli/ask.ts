/**
 * npm run ask -- "вопрос" [--lang ru] — asks one question through the same pipeline as POST /api/chat and prints
 * the answer readably (a matching guidance card's steps first), the note for the merchant, then the citations (Chinese original and, for ru/en, our unofficial translation).
 */
import { consult } from '../core/consultation/consult.js'
import { LangSchema } from '../core/knowledge/schema.js'
import { MemorySessionStore } from '../core/ports.js'
import { translatorFor } from '../core/i18n.js'
import { loadConsultationRuntime, randomIds, systemClock } from '../adapters/node/consultation-runtime.js'
import { join, resolve } from 'node:path'
import { readConfig } from '../config.js'
import { loadLocalContacts } from '../adapters/node/local-contacts-file.js'

const args = process.argv.slice(2)
const langAt = args.indexOf('--lang')
const lang = langAt >= 0 ? LangSchema.parse(args[langAt + 1]) : undefined
const message = args.filter((_, i) => langAt < 0 || (i !== langAt && i !== langAt + 1)).join(' ').trim()
if (!message) {
  console.error('usage: npm run ask -- "your question" [--lang zh|ru|en]')
  process.exit(2)
}
const runtime = loadConsultationRuntime({ cacheDir: join(resolve(process.env.FABAO_DATA_DIR ?? './data'), 'cache') })
const reply = await consult(
  { ...runtime, sessions: new MemorySessionStore(), clock: systemClock, ids: randomIds, localContacts: loadLocalContacts(readConfig(process.env)) },
  { message, ...(lang ? { lang } : {}) },
)
const t = translatorFor(runtime.i18n, reply.lang)
const rule = '─'.repeat(60)
console.log(`[${reply.lang}] confidence: ${reply.confidence}${reply.emergency ? ' · EMERGENCY' : ''}${reply.handoff.suggested ? ` · handoff: ${reply.handoff.reason}` : ''}`)
console.log(rule)
console.log(reply.answer)
if (reply.merchantNote) {
  console.log(rule)
  console.log(t('merchantNote.heading'))
  console.log(reply.merchantNote)
  if (reply.merchantNoteTranslation) console.log(`\n${reply.merchantNoteTranslation}`)
}
for (const c of reply.citations) {
  console.log(rule)
  console.log(t('answer.citation', { title: c.title, article: c.article }).replace(/^•\s*/, '') + `  (${c.lawId}, ${c.version}${c.superseded ? ', superseded' : ''})`)
  console.log(c.quote)
  if (c.translation) console.log(`\n${c.translation}`)
}
