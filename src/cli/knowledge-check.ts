/**
 * npm run knowledge:check [-- --all] — validates the translations against the statutes (TranslationChecker: stale,
 * label, paragraphs, figures, glossary terms) and the guidance cards (topics, articles, the figures rule), and prints
 * coverage per law. Exits 1 on any problem, when a law of
 * `translationScope: full` is not translated in full, or when fewer than MIN_SELECTED articles of the other laws are.
 * Prints the first problems of each kind; --all prints every one.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { loadKnowledgeBundle } from '../adapters/node/knowledge-files.js'
import { checkGuidance, type GuidanceProblem } from '../core/knowledge/guidance-check.js'
import { KnowledgeBase } from '../core/knowledge/knowledge-base.js'
import { TranslationChecker, type GlossaryException, type TranslationProblem } from '../core/knowledge/translation-check.js'
import { TRANSLATION_LANGS, type KnowledgeBundle } from '../core/knowledge/schema.js'
import { TextAnalyzer } from '../core/text/analyze.js'
import { KNOWLEDGE_DIR } from './paths.js'

/** Issue 4: at least this many articles of the laws translated in part. */
export const MIN_SELECTED = 200
/** Issue 5: at least this many guidance cards. */
export const MIN_CARDS = 40

export const ExceptionsFileSchema = z.object({
  exceptions: z.array(
    z.object({
      article: z.string().regex(/^[a-z0-9-]+:\d+$/),
      lang: z.enum(TRANSLATION_LANGS),
      glossary: z.string().min(1),
      reason: z.string().min(10),
    }),
  ),
})

export function loadGlossaryExceptions(knowledgeDir: string): GlossaryException[] {
  const path = join(knowledgeDir, 'translations', 'exceptions.json')
  if (!existsSync(path)) return []
  return ExceptionsFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).exceptions
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

export interface LawCoverage {
  lawId: string
  scope: 'full' | 'selected'
  articles: number
  ru: number
  en: number
}

export interface KnowledgeCheckReport {
  problems: TranslationProblem[]
  guidance: GuidanceProblem[]
  cards: number
  coverage: LawCoverage[]
  selectedTotal: number
  /** Whole-report failures that are not about one article (coverage short, unknown exception). */
  failures: string[]
}

export function checkKnowledge(bundle: KnowledgeBundle, exceptions: GlossaryException[]): KnowledgeCheckReport {
  const checker = new TranslationChecker(bundle.glossary, new TextAnalyzer(bundle.lexicons), exceptions)
  const laws = new Map(bundle.laws.map((law) => [law.id, law]))
  const problems: TranslationProblem[] = []
  const failures: string[] = []
  for (const file of bundle.translations) {
    const law = laws.get(file.lawId)
    if (!law) {
      failures.push(`translations/${file.lang}/${file.lawId}.json: no such law`)
      continue
    }
    const byNumber = new Map(law.articles.map((a) => [a.number, a.zh]))
    for (const [number, entry] of Object.entries(file.articles)) {
      const zh = byNumber.get(Number(number))
      problems.push(
        ...checker.check({ lawId: law.id, lang: file.lang, article: Number(number), zh, zhSha256: zh === undefined ? undefined : sha256(zh), entry }),
      )
    }
  }
  const glossaryIds = new Set(bundle.glossary.map((e) => e.id))
  for (const e of exceptions) {
    const [lawId, number] = e.article.split(':')
    if (!laws.get(lawId!)?.articles.some((a) => a.number === Number(number))) failures.push(`exceptions.json: ${e.article} does not exist`)
    if (!glossaryIds.has(e.glossary) && !/^figure:\d+$/.test(e.glossary)) failures.push(`exceptions.json: glossary entry ${e.glossary} does not exist`)
  }
  const coverage = bundle.laws.map((law): LawCoverage => {
    const count = (lang: string) => Object.keys(bundle.translations.find((t) => t.lawId === law.id && t.lang === lang)?.articles ?? {}).length
    return { lawId: law.id, scope: law.translationScope, articles: law.articles.length, ru: count('ru'), en: count('en') }
  })
  for (const c of coverage) {
    if (c.scope === 'full' && (c.ru < c.articles || c.en < c.articles)) {
      failures.push(`${c.lawId}: translated in full is required; ru ${c.ru}/${c.articles}, en ${c.en}/${c.articles}`)
    }
  }
  for (const file of bundle.translations) {
    const law = laws.get(file.lawId)
    if (law?.translationScope !== 'selected') continue
    const unexplained = Object.entries(file.articles).filter(([, e]) => !e.reason).map(([n]) => n)
    if (unexplained.length) failures.push(`${file.lang}/${file.lawId}: selected articles without a reason: ${unexplained.join(', ')}`)
  }
  const selected = coverage.filter((c) => c.scope === 'selected')
  const selectedTotal = Math.min(
    selected.reduce((n, c) => n + c.ru, 0),
    selected.reduce((n, c) => n + c.en, 0),
  )
  if (selectedTotal < MIN_SELECTED) failures.push(`selected articles: ${selectedTotal}, at least ${MIN_SELECTED} required`)
  const guidance = checkGuidance(new KnowledgeBase(bundle), bundle.guidance)
  if (bundle.guidance.length < MIN_CARDS) failures.push(`guidance cards: ${bundle.guidance.length}, at least ${MIN_CARDS} required`)
  return { problems, guidance, cards: bundle.guidance.length, coverage, selectedTotal, failures }
}

export function formatReport(report: KnowledgeCheckReport, all = false): string {
  const lines = ['law                                         scope     articles  ru          en']
  const pct = (n: number, d: number) => `${n}`.padStart(4) + ` (${Math.round((100 * n) / d)}%)`.padEnd(7)
  for (const c of report.coverage) {
    lines.push(`${c.lawId.padEnd(43)} ${c.scope.padEnd(9)} ${String(c.articles).padStart(8)}  ${pct(c.ru, c.articles)} ${pct(c.en, c.articles)}`)
  }
  lines.push(`selected articles outside the fully translated laws: ${report.selectedTotal} (at least ${MIN_SELECTED})`)
  const byKind = new Map<string, TranslationProblem[]>()
  for (const p of report.problems) byKind.set(p.kind, [...(byKind.get(p.kind) ?? []), p])
  for (const [kind, list] of byKind) {
    lines.push(`\n${kind}: ${list.length}`)
    for (const p of all ? list : list.slice(0, 15)) lines.push(`  ${p.lang}/${p.lawId}:${p.article} ${p.detail}`)
    if (!all && list.length > 15) lines.push(`  … ${list.length - 15} more (--all)`)
  }
  lines.push(`guidance cards: ${report.cards} (at least ${MIN_CARDS}), problems: ${report.guidance.length}`)
  for (const p of all ? report.guidance : report.guidance.slice(0, 30)) lines.push(`  card ${p.cardId} ${p.kind}: ${p.detail}`)
  for (const f of report.failures) lines.push(`FAIL ${f}`)
  const problems = report.problems.length + report.guidance.length
  const ok = problems === 0 && report.failures.length === 0
  lines.push(ok ? '\nknowledge:check passed' : `\nknowledge:check failed: ${problems} problems, ${report.failures.length} failures`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  const bundle = loadKnowledgeBundle(KNOWLEDGE_DIR)
  const report = checkKnowledge(bundle, loadGlossaryExceptions(KNOWLEDGE_DIR))
  console.log(formatReport(report, process.argv.includes('--all')))
  if (report.problems.length || report.guidance.length || report.failures.length) process.exitCode = 1
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
