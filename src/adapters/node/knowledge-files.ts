import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  GlossaryFileSchema,
  GuidanceFileSchema,
  NationalContactsFileSchema,
  LawSchema,
  LexiconSchema,
  TopicFileSchema,
  TranslationFileSchema,
  type KnowledgeBundle,
} from '../../core/knowledge/schema.js'

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f))
}

/**
 * Reads knowledge/ (laws, translations, glossary, topics, guidance cards, national contacts), validates every file with its zod schema and hashes the lot.
 * A file that does not validate stops the start with its name and the first problems.
 */
export function loadKnowledgeBundle(knowledgeDir: string): KnowledgeBundle {
  const hash = createHash('sha256')
  const read = <T>(file: string, parse: (data: unknown) => T): T => {
    const text = readFileSync(file, 'utf8')
    hash.update(file.slice(knowledgeDir.length)).update('\0').update(text).update('\0')
    try {
      return parse(JSON.parse(text))
    } catch (error) {
      throw new Error(`knowledge file ${file} is invalid: ${(error as Error).message.slice(0, 2000)}`)
    }
  }
  const laws = jsonFiles(join(knowledgeDir, 'laws')).map((f) => read(f, (d) => LawSchema.parse(d)))
  const translations = ['en', 'ru'].flatMap((lang) =>
    jsonFiles(join(knowledgeDir, 'translations', lang)).map((f) => read(f, (d) => TranslationFileSchema.parse(d))),
  )
  const glossary = jsonFiles(join(knowledgeDir, 'glossary')).flatMap(
    (f) => read(f, (d) => GlossaryFileSchema.parse(d)).entries,
  )
  const topics = jsonFiles(join(knowledgeDir, 'topics')).flatMap((f) => read(f, (d) => TopicFileSchema.parse(d)).topics)
  const guidance = jsonFiles(join(knowledgeDir, 'guidance')).flatMap((f) => read(f, (d) => GuidanceFileSchema.parse(d)).cards)
  const nationalContacts = read(join(knowledgeDir, 'contacts', 'national.json'), (d) => NationalContactsFileSchema.parse(d)).contacts
  const lexicon = (lang: string) => read(join(knowledgeDir, 'lexicon', `${lang}.json`), (d) => LexiconSchema.parse(d))
  const lexicons = { zh: lexicon('zh'), ru: lexicon('ru'), en: lexicon('en') }
  return { laws, lexicons, translations, glossary, topics, guidance, nationalContacts, hash: hash.digest('hex').slice(0, 12) }
}
