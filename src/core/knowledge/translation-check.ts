import { CHINESE_NUMERAL_CHARS, parseChineseNumeral } from './chinese-numerals.js'
import type { GlossaryEntry, TranslationLang } from './schema.js'
import type { TextAnalyzer } from '../text/analyze.js'

/**
 * A figure the Chinese text states and every translation must carry, in Arabic digits (STYLE.md): a duration,
 * amount, multiple, percentage, age, date part, article/paragraph/item reference, or any Arabic number.
 */
export interface StatedFigure {
  /** The number as digits, e.g. "7", "500", "10000". */
  value: string
  /** How the zh text wrote it, for the report: 七日, 百分之三十, 第四十九条. */
  source: string
  /** `item`: an enumerated item （一） that must appear as "(1)"; `month`: a date's month (digits or month name). */
  kind: 'number' | 'item' | 'month'
}

const N = `[${CHINESE_NUMERAL_CHARS}]+`
/** Units after which a Chinese numeral is a figure (durations, money, multiples, ages, counts). */
const UNITS = [
  '\u4e2a\u5de5\u4f5c\u65e5', '\u5de5\u4f5c\u65e5', '\u4e2a\u6708', '\u5468\u5c81', '\u5c0f\u65f6', '\u5206\u949f', '\u516c\u91cc', '\u5343\u7c73', '\u5343\u514b', '\u516c\u65a4',
  '\u65e5', '\u5929', '\u6708', '\u5e74', '\u5c81', '\u500d', '\u5143', '\u4eba', '\u540d', '\u6b21', '\u4ef6', '\u4e2a', '\u4efd', '\u5468', '\u7c73', '\u514b', '\u7ea7',
]
/** With these units a lone 一 usually means "a" (一个, 一次, 一人), not a figure. */
const ARTICLE_LIKE_UNITS = new Set(['\u4e2a', '\u6b21', '\u4ef6', '\u4eba', '\u540d', '\u4efd', '\u7ea7'])

const DATE = /(\d{4})\u5e74(\d{1,2})\u6708(\d{1,2})\u65e5/g
const PERCENT = new RegExp(`\u767e\u5206\u4e4b(${N})`, 'g')
const REFERENCE = new RegExp(`\u7b2c(${N})(\u6761|\u6b3e|\u9879|\u7ae0|\u8282|\u7f16)`, 'g')
const ITEM = new RegExp(`[\uff08(](${N})[\uff09)]`, 'g')
const WITH_UNIT = new RegExp(`(${N})(${UNITS.join('|')})`, 'g')
/** Arabic numbers, with a following 万/亿 multiplying them (3万元 = 30000 yuan). */
const ARABIC = /(\d+(?:\.\d+)?)([\u4e07\u4ebf]?)/g

const WORDS = new Intl.Segmenter('zh', { granularity: 'word' })

const canonical = (digits: string) => digits.replace(/^0+(?=\d)/, '')

/** Every figure the zh text of an article states (its own label excluded), each value once. */
export function statedFigures(zh: string): StatedFigure[] {
  const body = zh.replace(/^\u7b2c[^\u6761\s]+\u6761\s*/, '')
  const found = new Map<string, StatedFigure>()
  const add = (figure: StatedFigure) => {
    const key = `${figure.kind}:${figure.value}`
    if (!found.has(key)) found.set(key, figure)
  }
  let rest = body
  for (const m of body.matchAll(DATE)) {
    add({ value: canonical(m[1]!), source: m[0], kind: 'number' })
    add({ value: canonical(m[2]!), source: m[0], kind: 'month' })
    add({ value: canonical(m[3]!), source: m[0], kind: 'number' })
    rest = rest.replace(m[0], ' ')
  }
  for (const m of rest.matchAll(ARABIC)) {
    const scale = m[2] === '\u4e07' ? 10_000 : m[2] === '\u4ebf' ? 100_000_000 : 1
    add({ value: scale === 1 ? canonical(m[1]!) : String(Math.round(Number(m[1]) * scale)), source: m[0], kind: 'number' })
  }
  rest = rest.replace(ARABIC, ' ')
  const numeral = (pattern: RegExp, kind: StatedFigure['kind'], skip?: (m: RegExpMatchArray) => boolean) => {
    for (const m of rest.matchAll(pattern)) {
      if (skip?.(m)) continue
      const value = parseChineseNumeral(m[1]!)
      // A bare 万 after Arabic digits was handled above; 万元 alone is not a figure.
      if (value !== null && value !== 0) add({ value: String(value), source: m[0], kind })
    }
  }
  numeral(PERCENT, 'number')
  numeral(REFERENCE, 'number')
  numeral(ITEM, 'item')
  numeral(WITH_UNIT, 'number', (m) => {
    // 第三人 is "a third party", 第二次 "the second time": ordinals, not figures.
    if (m.index! > 0 && rest[m.index! - 1] === '\u7b2c') return true
    return m[1] === '\u4e00' && ARTICLE_LIKE_UNITS.has(m[2]!)
  })
  return [...found.values()]
}

/** The numbers a translation writes, with thousands separators (space, NBSP, narrow NBSP) removed. */
export function writtenNumbers(text: string): Set<string> {
  const numbers = new Set<string>()
  for (const m of text.matchAll(/\d+(?:[ \u00a0\u202f]\d{3}(?!\d))*(?:[.,]\d+)?/g)) {
    const plain = m[0].replace(/[ \u00a0\u202f]/g, '')
    numbers.add(canonical(plain))
    // "1.5" and "1,5" both stand for the zh 1.5; "10,20" may be a list.
    const [whole, fraction] = plain.split(/[.,]/)
    numbers.add(canonical(whole!))
    if (fraction) {
      numbers.add(`${canonical(whole!)}.${fraction}`)
      numbers.add(canonical(fraction))
    }
  }
  return numbers
}

const MONTHS: Record<TranslationLang, string[]> = {
  ru: ['\u044f\u043d\u0432\u0430\u0440', '\u0444\u0435\u0432\u0440\u0430\u043b', '\u043c\u0430\u0440\u0442', '\u0430\u043f\u0440\u0435\u043b', '\u043c\u0430\u044f', '\u0438\u044e\u043d', '\u0438\u044e\u043b', '\u0430\u0432\u0433\u0443\u0441\u0442', '\u0441\u0435\u043d\u0442\u044f\u0431\u0440', '\u043e\u043a\u0442\u044f\u0431\u0440', '\u043d\u043e\u044f\u0431\u0440', '\u0434\u0435\u043a\u0430\u0431\u0440'],
  en: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
}

/** The stated figures a translation leaves out. */
export function missingFigures(zh: string, text: string, lang: TranslationLang): StatedFigure[] {
  const numbers = writtenNumbers(text)
  const lower = text.toLowerCase()
  return statedFigures(zh).filter((figure) => {
    if (figure.kind === 'item') return !text.includes(`(${figure.value})`)
    if (figure.kind === 'month') {
      const name = MONTHS[lang][Number(figure.value) - 1]
      return !numbers.has(figure.value) && !(name && lower.includes(name))
    }
    return !numbers.has(figure.value)
  })
}

export type TranslationProblemKind = 'unknown-article' | 'stale' | 'label' | 'paragraphs' | 'figure' | 'glossary'

export interface TranslationProblem {
  lawId: string
  lang: TranslationLang
  article: number
  kind: TranslationProblemKind
  detail: string
}

/** An article allowed to leave a glossary term unrendered, with the reason (knowledge/translations/exceptions.json). */
export interface GlossaryException {
  article: string
  lang: TranslationLang
  glossary: string
  reason: string
}

/**
 * Checks translations against the statutes: each entry names an article, carries the hash of its current zh text,
 * starts with its label, keeps the paragraphs, states every figure, and renders every glossary term the zh text
 * uses (Russian and English by stem; `concept` entries, which map situations to statute wording, are exempt) unless an
 * exception lists it. Built once; `check` runs per entry.
 */
export class TranslationChecker {
  private readonly renderings = new Map<string, Record<TranslationLang, string[][]>>()
  /** Every zh statute term of the `term` entries, longest first. */
  private readonly byLength: { entry: GlossaryEntry; term: string }[]
  private readonly exceptions: Set<string>

  constructor(
    glossary: readonly GlossaryEntry[],
    private readonly analyzer: TextAnalyzer,
    exceptions: readonly GlossaryException[] = [],
  ) {
    const terms = glossary.filter((entry) => entry.kind === 'term')
    for (const entry of terms) {
      this.renderings.set(entry.id, {
        ru: entry.ru.map((r) => analyzer.analyze(r, 'ru')).filter((s) => s.length > 0),
        en: entry.en.map((r) => analyzer.analyze(r, 'en')).filter((s) => s.length > 0),
      })
    }
    this.byLength = terms.flatMap((entry) => entry.zh.map((term) => ({ entry, term }))).sort((a, b) => b.term.length - a.term.length)
    this.exceptions = new Set(exceptions.map((e) => `${e.article}|${e.lang}|${e.glossary}`))
  }

  check(input: {
    lawId: string
    lang: TranslationLang
    article: number
    /** The article's current zh text, or undefined when the law has no such article. */
    zh: string | undefined
    /** sha256 of that zh text, computed by the caller. */
    zhSha256: string | undefined
    entry: { text: string; zhSha256?: string | undefined }
  }): TranslationProblem[] {
    const { lawId, lang, article, zh, entry } = input
    const problem = (kind: TranslationProblemKind, detail: string): TranslationProblem => ({ lawId, lang, article, kind, detail })
    if (zh === undefined) return [problem('unknown-article', 'the law has no such article')]
    const problems: TranslationProblem[] = []
    if (entry.zhSha256 !== input.zhSha256) {
      problems.push(problem('stale', entry.zhSha256 ? 'the zh text changed since this was translated' : 'not stamped (npm run knowledge:stamp)'))
    }
    const label = lang === 'ru' ? `\u0421\u0442\u0430\u0442\u044c\u044f ${article}.` : `Article ${article}.`
    if (!entry.text.startsWith(label)) problems.push(problem('label', `does not start with "${label}"`))
    const zhParagraphs = zh.split('\n').length
    const paragraphs = entry.text.trim().split('\n').length
    if (zhParagraphs !== paragraphs) problems.push(problem('paragraphs', `${paragraphs} paragraphs for ${zhParagraphs} in zh`))
    for (const figure of missingFigures(zh, entry.text, lang)) {
      // A numeral that is not a figure here (第三人 "a third party", 统一 "uniform") may be excused in exceptions.json.
      if (this.exceptions.has(`${lawId}:${article}|${lang}|figure:${figure.value}`)) continue
      problems.push(problem('figure', `${figure.source} (${figure.kind === 'item' ? `(${figure.value})` : figure.value}) not found`))
    }
    const stems = new Set(this.analyzer.analyze(entry.text, lang))
    for (const { entry: term, zh: used } of this.termsUsed(zh)) {
      if (this.exceptions.has(`${lawId}:${article}|${lang}|${term.id}`)) continue
      const renderings = this.renderings.get(term.id)![lang]
      if (renderings.some((r) => r.every((s) => stems.has(s) || (lang === 'ru' && [...stems].some((t) => sameRussianStem(s, t)))))) continue
      problems.push(problem('glossary', `${term.id}: ${used} is not rendered (expected e.g. "${term[lang][0]}")`))
    }
    return problems
  }

  /**
   * The glossary terms a zh text uses, longest first: an occurrence inside a longer term (经营者 in 旅游经营者) belongs
   * to the longer one, which has its own rendering.
   */
  termsUsed(zh: string): { entry: GlossaryEntry; zh: string }[] {
    const taken = new Uint8Array(zh.length)
    // Word boundaries: 行人 inside 被执行人 or 居住 inside 经常居所地 is not the term.
    const boundaries = new Set<number>([0, zh.length])
    for (const { index, segment } of WORDS.segment(zh)) {
      boundaries.add(index)
      boundaries.add(index + segment.length)
    }
    const used = new Map<string, { entry: GlossaryEntry; zh: string }>()
    for (const { entry, term } of this.byLength) {
      for (let at = zh.indexOf(term); at !== -1; at = zh.indexOf(term, at + 1)) {
        if (!boundaries.has(at) || !boundaries.has(at + term.length)) continue
        if (taken.subarray(at, at + term.length).some((t) => t === 1)) continue
        taken.fill(1, at, at + term.length)
        if (!used.has(entry.id)) used.set(entry.id, { entry, zh: term })
      }
    }
    return [...used.values()]
  }
}

/**
 * Snowball stems of one Russian word can differ by a fleeting vowel or an alternation (иностранец / иностранц-ам)
 * or be cut short (отз / отзыв): two stems are the same word when one is a prefix of the other (3+ letters), or
 * they share all but the last two letters of the shorter one, and at least five.
 */
export function sameRussianStem(a: string, b: string): boolean {
  if (a === b) return true
  // Snowball sometimes cuts a stem short (отзыв → отз, отмена → отм) while an inflected form keeps more.
  if (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a))) return true
  const shorter = Math.min(a.length, b.length)
  let common = 0
  while (common < shorter && a[common] === b[common]) common++
  return common >= 5 && common >= shorter - 2
}
