/**
 * npm run eval [-- --split dev|test] [--details] — runs the eval set through the real consultation pipeline.
 * Prints per language hit@1/3/10 and MRR (retrieval items, ranked list), the share answered with citations, the
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

export interface LangFigures {
  retrieval: number
  hit1: number
  hit3: number
  hit10: number
  mrr: number
  answered: number
  special: number
  specialRight: number
  cited: number
  citedTranslated: number
}

export type SplitFigures = Record<Lang, LangFigures>

export async function evaluate(items: EvalItem[], onMiss?: (line: string) => void): Promise<SplitFigures> {
  const runtime = loadConsultationRuntime({ cacheDir: join(tmpdir(), 'fabao-index-cache') })
  const figures = Object.fromEntries(
    LANGS.map((l) => [l, { retrieval: 0, hit1: 0, hit3: 0, hit10: 0, mrr: 0, answered: 0, special: 0, specialRight: 0, cited: 0, citedTranslated: 0 }]),
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
        const ranked = runtime.retriever.retrieve(question, reply.lang, 10).ranked.map((r) => r.id)
        const rank = ranked.findIndex((id) => item.expected.includes(id)) + 1
        f.retrieval++
        if (rank === 1) f.hit1++
        if (rank >= 1 && rank <= 3) f.hit3++
        if (rank >= 1 && rank <= 10) f.hit10++
        if (rank >= 1) f.mrr += 1 / rank
        if (reply.confidence !== 'none') f.answered++
        if (onMiss && (rank === 0 || rank > 3 || reply.confidence === 'none')) {
          onMiss(`${lang} ${item.id} rank=${rank || '-'} band=${reply.confidence} expected=${item.expected.join(',')} got=${ranked.slice(0, 3).join(',')}\n    ${question}`)
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

const pct = (n: number, d: number) => (d === 0 ? '  -  ' : (n / d).toFixed(3))

export function formatFigures(split: string, figures: SplitFigures): string {
  const rows = [`split ${split}`, 'lang  n    hit@1  hit@3  hit@10 MRR    answered special-right translated-citations']
  for (const lang of LANGS) {
    const f = figures[lang]
    rows.push(
      [
        lang.padEnd(5),
        String(f.retrieval).padEnd(4),
        pct(f.hit1, f.retrieval),
        pct(f.hit3, f.retrieval),
        pct(f.hit10, f.retrieval).padEnd(6),
        pct(f.mrr, f.retrieval),
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
  for (const split of splits) {
    if (split !== 'dev' && split !== 'test') throw new Error('--split takes dev or test')
    const misses: string[] = []
    const onMiss = details && split === 'dev' ? (line: string) => misses.push(line) : undefined
    const figures = await evaluate(items.filter((i) => i.split === split), onMiss)
    console.log(formatFigures(split, figures))
    if (misses.length) console.log(misses.join('\n'))
    console.log()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
