/**
 * npm run eval [-- --split dev|test] [--details] [--keyword] — runs the eval set through the real consultation
 * pipeline. Prints per language hit@1/3/10 and MRR of keyword-only, dense-only and hybrid ranking (retrieval items), the share answered with citations, the
 * share of special items handled right (out-of-scope → no citation, emergency → flag, handoff → suggested) and, for
 * ru/en, the share of cited articles that carry a translation. --details lists misses, for the dev split only:
 * the test split is frozen and reported, never tuned on.
 */
import { consult } from '../core/consultation/consult.js'
import { LANGS, type Lang } from '../core/knowledge/schema.js'
import { MemorySessionStore } from '../core/ports.js'
import { loadConsultationRuntime, randomIds, systemClock } from '../adapters/node/consultation-runtime.js'
import { loadEvalSet, type EvalItem } from './eval-set.js'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

export interface RankFigures {
  hit1: number
  hit3: number
  hit10: number
  mrr: number
}

export interface LangFigures {
  retrieval: number
  /** Ranking figures of each ranker over the same questions. */
  keyword: RankFigures
  dense: RankFigures
  hybrid: RankFigures
  answered: number
  special: number
  specialRight: number
  cited: number
  citedTranslated: number
}

export type SplitFigures = Record<Lang, LangFigures>
export const RANKERS = ['keyword', 'dense', 'hybrid'] as const
type Ranker = (typeof RANKERS)[number]

const emptyRank = (): RankFigures => ({ hit1: 0, hit3: 0, hit10: 0, mrr: 0 })

function count(f: RankFigures, ranked: string[], expected: string[]): number {
  const rank = ranked.findIndex((id) => expected.includes(id)) + 1
  if (rank === 1) f.hit1++
  if (rank >= 1 && rank <= 3) f.hit3++
  if (rank >= 1 && rank <= 10) f.hit10++
  if (rank >= 1) f.mrr += 1 / rank
  return rank
}

/**
 * Runs the items through the real pipeline: answers (band, citations, special handling) with the configured
 * retriever (hybrid by default), and the ranked lists of keyword-only, dense-only and hybrid retrieval.
 */
export async function evaluate(items: EvalItem[], onMiss?: (line: string) => void, runtime = loadEvalRuntime()): Promise<SplitFigures> {
  const figures = Object.fromEntries(
    LANGS.map((l) => [
      l,
      { retrieval: 0, keyword: emptyRank(), dense: emptyRank(), hybrid: emptyRank(), answered: 0, special: 0, specialRight: 0, cited: 0, citedTranslated: 0 },
    ]),
  ) as SplitFigures
  for (const item of items) {
    for (const lang of LANGS) {
      const question = item.questions[lang]
      const f = figures[lang]
      const deps = { ...runtime, sessions: new MemorySessionStore(), clock: systemClock, ids: randomIds }
      const reply = await consult(deps, { message: question })
      f.cited += reply.citations.length
      f.citedTranslated += reply.citations.filter((c) => c.translation !== null).length
      if (item.kind === 'retrieval') {
        const textLang = runtime.analyzer.detectLanguage(question, lang)
        const keyword = runtime.keyword.rank(question, textLang, 30)
        const lists: Record<Ranker, string[]> = { keyword: keyword.ranked.slice(0, 10).map((r) => r.id), dense: [], hybrid: [] }
        if (runtime.hybrid) {
          const vector = await runtime.hybrid.embedQuestion(question)
          lists.dense = runtime.hybrid.dense.nearest(vector, 10, 'article').map((h) => h.id)
          lists.hybrid = runtime.hybrid.fuse(keyword, vector, 10).ranked.map((r) => r.id)
        }
        f.retrieval++
        count(f.keyword, lists.keyword, item.expected)
        count(f.dense, lists.dense, item.expected)
        const main = runtime.hybrid ? 'hybrid' : 'keyword'
        const rank = count(f.hybrid, lists.hybrid, item.expected)
        if (reply.confidence !== 'none') f.answered++
        const shown = runtime.hybrid ? rank : lists.keyword.findIndex((id) => item.expected.includes(id)) + 1
        if (onMiss && (shown === 0 || shown > 3 || reply.confidence === 'none')) {
          onMiss(`${lang} ${item.id} ${main} rank=${shown || '-'} band=${reply.confidence} expected=${item.expected.join(',')} got=${lists[main].slice(0, 3).join(',')}\n    ${question}`)
        }
      } else {
        f.special++
        const right =
          item.kind === 'out-of-scope'
            ? reply.citations.length === 0 && reply.confidence === 'none'
            : item.kind === 'emergency'
              ? reply.emergency
              : reply.handoff.suggested
        if (right) f.specialRight++
        else onMiss?.(`${lang} ${item.id} (${item.kind}) band=${reply.confidence} cites=${reply.citations.map((c) => `${c.lawId}:${c.article}`).join(',')}\n    ${question}`)
      }
    }
  }
  return figures
}

export function loadEvalRuntime(retrieval: 'hybrid' | 'keyword' = 'hybrid') {
  return loadConsultationRuntime({ cacheDir: join(tmpdir(), 'fabao-index-cache'), retrieval })
}

const pct = (n: number, d: number) => (d === 0 ? '  -  ' : (n / d).toFixed(3))

export function formatFigures(split: string, figures: SplitFigures): string {
  const rows = [`split ${split}`, 'lang  n   ranker   hit@1  hit@3  hit@10 MRR']
  for (const lang of LANGS) {
    const f = figures[lang]
    for (const ranker of RANKERS) {
      const r = f[ranker]
      rows.push([lang.padEnd(5), String(f.retrieval).padEnd(3), ranker.padEnd(8), pct(r.hit1, f.retrieval), pct(r.hit3, f.retrieval), pct(r.hit10, f.retrieval).padEnd(6), pct(r.mrr, f.retrieval)].join(' '))
    }
  }
  rows.push('', 'lang  answered special-right translated-citations   (answers as served: hybrid)')
  for (const lang of LANGS) {
    const f = figures[lang]
    rows.push(
      [
        lang.padEnd(5),
        pct(f.answered, f.retrieval).padEnd(8),
        `${pct(f.specialRight, f.special)} (${f.specialRight}/${f.special})`.padEnd(13),
        lang === 'zh' ? '  -' : pct(f.citedTranslated, f.cited),
      ].join(' '),
    )
  }
  return rows.join('\n')
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const splitArg = args.includes('--split') ? args[args.indexOf('--split') + 1] : undefined
  const details = args.includes('--details')
  const splits = splitArg ? [splitArg] : ['dev', 'test']
  const items = loadEvalSet()
  const runtime = loadEvalRuntime(args.includes('--keyword') ? 'keyword' : 'hybrid')
  for (const split of splits) {
    if (split !== 'dev' && split !== 'test') throw new Error('--split takes dev or test')
    const misses: string[] = []
    const onMiss = details && split === 'dev' ? (line: string) => misses.push(line) : undefined
    const figures = await evaluate(items.filter((i) => i.split === split), onMiss, runtime)
    console.log(formatFigures(split, figures))
    if (misses.length) console.log(misses.join('\n'))
    console.log()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
