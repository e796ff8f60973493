import { stemmer as stemEnglish } from '@orama/stemmers/english'
import { stemmer as stemRussian } from '@orama/stemmers/russian'
import type { Lang, Lexicons } from '../knowledge/schema.js'
import { detectLanguage } from './detect-language.js'

const HAN_RUN = /\p{Script=Han}+/gu
const WORD = /[\p{L}\p{N}]+(?:['\u2019-][\p{L}\p{N}]+)*/gu
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Language analysis built from the lexicons: language detection, search terms per language, and the normalised
 * forms that phrase rules (emergency, handoff, dispute wording) are matched against.
 */
export class TextAnalyzer {
  private readonly segmenter = new Intl.Segmenter('zh', { granularity: 'word' })
  private readonly stop: Record<Lang, ReadonlySet<string>>
  private readonly chineseBreaks: RegExp | null
  private readonly transliterated: ReadonlySet<string>

  constructor(readonly lexicons: Lexicons) {
    this.stop = {
      zh: new Set(lexicons.zh.stopWords),
      ru: new Set(lexicons.ru.stopWords),
      en: new Set(lexicons.en.stopWords),
    }
    const breaks = [...lexicons.zh.breaks].sort((a, b) => b.length - a.length)
    this.chineseBreaks = breaks.length ? new RegExp(breaks.map(escapeRegExp).join('|'), 'g') : null
    this.transliterated = new Set(lexicons.ru.latinTransliterations)
  }

  detectLanguage(text: string, fallback: Lang): Lang {
    return detectLanguage(text, fallback, this.transliterated)
  }

  /**
   * Search terms for a text in one language. Chinese: words found by Intl.Segmenter (two characters or more) plus
   * every character bigram of each Han run, runs first cut at function words (我们购物怎么办 → 购物). Russian: stems,
   * keeping й and ё as typed (a word with ё also yields its е-spelling). English: Porter-style stems. Han
   * characters inside a Russian or English text are analysed as Chinese, and Latin inside Chinese as English.
   */
  analyze(text: string, lang: Lang): string[] {
    const normalized = text.normalize('NFKC')
    const terms = this.chineseTerms(normalized)
    const rest = normalized.replace(HAN_RUN, ' ')
    terms.push(...this.wordTerms(rest, lang === 'zh' ? 'en' : lang))
    return terms
  }

  /** Chinese text without the lexicon's function words (我们, 了, 的…): 强迫我们购物 → 强迫购物. */
  withoutChineseFunctionWords(text: string): string {
    return this.chineseBreaks ? text.replace(this.chineseBreaks, '') : text
  }

  /** Lower-cased text with single spaces, for phrase rules. */
  normalizeForPhrases(text: string): string {
    return ' ' + (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).join(' ') + ' '
  }

  /**
   * Whether a phrase of the lexicon occurs in a text prepared by `normalizeForPhrases`: Chinese as a substring,
   * Russian as a word prefix (the entry covers its endings), English as whole words.
   */
  containsPhrase(normalizedText: string, phrase: string, lang: Lang): boolean {
    const p = phrase.toLowerCase()
    if (lang === 'zh' || /\p{Script=Han}/u.test(p)) return normalizedText.includes(p)
    if (lang === 'ru') return normalizedText.includes(' ' + p)
    return normalizedText.includes(' ' + p + ' ') || normalizedText.includes(' ' + p + 's ')
  }

  private chineseTerms(text: string): string[] {
    const terms: string[] = []
    const cut = this.chineseBreaks ? text.replace(this.chineseBreaks, ' ') : text
    for (const run of cut.match(HAN_RUN) ?? []) {
      for (const { segment, isWordLike } of this.segmenter.segment(run)) {
        if (isWordLike && segment.length >= 2 && segment.length <= 6 && !this.stop.zh.has(segment)) terms.push(segment)
      }
      if (run.length === 1) {
        if (!this.stop.zh.has(run)) terms.push(run)
        continue
      }
      for (let i = 0; i + 2 <= run.length; i++) {
        const bigram = run.slice(i, i + 2)
        if (!this.stop.zh.has(bigram)) terms.push(bigram)
      }
    }
    return terms
  }

  private wordTerms(text: string, lang: 'ru' | 'en'): string[] {
    const terms: string[] = []
    const stop = this.stop[lang]
    for (const raw of text.toLowerCase().match(WORD) ?? []) {
      const word = raw.replace(/['\u2019]/g, '')
      if (stop.has(word) || stop.has(raw)) continue
      if (/^\d+$/.test(word)) {
        terms.push(word)
      } else if (/\p{Script=Cyrillic}/u.test(word)) {
        if (word.length >= 2) terms.push(...this.russianTerms(word))
      } else if (word.length >= 2) {
        terms.push(stemEnglish(word))
      }
    }
    return terms
  }

  /** The stemmer folds ё into е; the stem keeps the letters the user typed, plus the е-spelling. */
  private russianTerms(word: string): string[] {
    const stem = stemRussian(word)
    const kept = word.slice(0, stem.length)
    return kept.includes('\u0451') ? [kept, kept.replaceAll('\u0451', '\u0435')] : [kept]
  }
}
