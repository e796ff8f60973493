import { stemmer as stemEnglish } from '@orama/stemmers/english'
import { stemmer as stemRussian } from '@orama/stemmers/russian'
import { PAD_TOKEN, UNK_TOKEN } from './export.js'

/**
 * The WordPiece vocabulary: every common Han character (GB2312, plus any other in the corpus) as `x` and `##x`, so
 * unseen Chinese text rarely becomes [UNK]; Chinese words (ICU word segmentation of the corpus plus glossary terms),
 * also as `x` and `##x` because a Chinese run between punctuation is one pre-token; Russian/English stems as
 * word-initial pieces and the endings seen after them as `##` pieces, so an unseen word form lands on its stem;
 * single letters and digits as fallbacks.
 */

const HAN = /^\p{Script=Han}+$/u
const HAN_CHAR = /\p{Script=Han}/u
const LETTERS = /^\p{L}+$/u
const CYRILLIC = /\p{Script=Cyrillic}/u
const DIGITS = /^\d+$/u
/** Same characters as transformers.js BertPreTokenizer. */
const PRE_TOKEN = /[^\s\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]+|[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/gu

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

export function preTokens(text: string): string[] {
  return normalizeText(text).trim().match(PRE_TOKEN) ?? []
}

/** The 6763 characters of GB2312 (levels 1 and 2), decoded with the runtime's GBK decoder. */
export function gb2312Characters(): string[] {
  const decoder = new TextDecoder('gbk')
  const out: string[] = []
  for (let hi = 0xb0; hi <= 0xf7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const c = decoder.decode(new Uint8Array([hi, lo]))
      if (HAN.test(c)) out.push(c)
    }
  }
  return out
}

function commonPrefix(a: string, b: string): string {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return a.slice(0, i)
}

/** The word-initial piece of a Russian/English word: its stem as a prefix of the word (ё kept, Porter's y→i undone). */
export function stemPiece(word: string): string {
  if (Array.from(word).length <= 3) return word
  const russian = CYRILLIC.test(word)
  const stem = russian ? stemRussian(word) : stemEnglish(word)
  let piece: string
  if (word.startsWith(stem)) piece = stem
  else {
    const candidate = word.slice(0, stem.length)
    piece = russian && candidate.replaceAll('ё', 'е') === stem ? candidate : commonPrefix(word, stem)
  }
  return Array.from(piece).length < 3 ? word.slice(0, Math.min(word.length, 3)) : piece
}

export interface VocabOptions {
  /** Minimum corpus count of an ICU-segmented Chinese word. */
  minZhWordCount: number
  /** Minimum corpus count of a Russian/English stem. */
  minStemCount: number
  /** Minimum corpus count of a number kept whole. */
  minNumberCount: number
}

export interface VocabInput {
  /** All training text (any language, raw). */
  texts: readonly string[]
  /** Chinese terms always kept as words (glossary terms and colloquial forms). */
  zhTerms: readonly string[]
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

export function buildVocab(input: VocabInput, options: VocabOptions): string[] {
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })
  const hanChars = new Set(gb2312Characters())
  const zhWords = new Map<string, number>()
  const stems = new Map<string, number>()
  const endings = new Set<string>()
  const numbers = new Map<string, number>()
  const letters = new Set<string>('abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщъыьэюя0123456789'.split(''))

  for (const text of input.texts) {
    for (const token of preTokens(text)) {
      if (HAN_CHAR.test(token)) {
        for (const c of token) if (HAN.test(c)) hanChars.add(c)
        for (const run of token.match(/\p{Script=Han}+|\d+|\p{L}+/gu) ?? []) {
          if (HAN.test(run)) {
            for (const seg of segmenter.segment(run)) if (Array.from(seg.segment).length >= 2 && HAN.test(seg.segment)) bump(zhWords, seg.segment)
          } else if (DIGITS.test(run)) bump(numbers, run)
        }
      } else if (DIGITS.test(token)) bump(numbers, token)
      else if (LETTERS.test(token)) {
        for (const c of token) letters.add(c)
        const piece = stemPiece(token)
        bump(stems, piece)
        if (token.length > piece.length) endings.add(token.slice(piece.length))
      } else {
        for (const c of token) if (/\p{L}|\d/u.test(c)) letters.add(c)
      }
    }
  }

  const tokens = new Set<string>()
  const both = (t: string) => {
    tokens.add(t)
    tokens.add(`##${t}`)
  }
  for (const c of hanChars) both(c)
  for (const c of letters) both(c)
  for (const term of input.zhTerms) {
    const t = normalizeText(term)
    if (HAN.test(t) && Array.from(t).length >= 2) both(t)
  }
  for (const [w, n] of zhWords) if (n >= options.minZhWordCount) both(w)
  for (const [s, n] of stems) if (n >= options.minStemCount) tokens.add(s)
  for (const e of endings) tokens.add(`##${e}`)
  for (const [d, n] of numbers) if (n >= options.minNumberCount) both(d)
  tokens.delete(PAD_TOKEN)
  tokens.delete(UNK_TOKEN)
  return [PAD_TOKEN, UNK_TOKEN, ...[...tokens].sort()]
}

/**
 * The LSI term a token stands for, or null for tokens that carry no meaning of their own (specials, word endings,
 * single-letter continuations). `x` and `##x` of Chinese and numbers share one term.
 */
export function termOf(token: string): string | null {
  if (token === PAD_TOKEN || token === UNK_TOKEN) return null
  if (!token.startsWith('##')) return token
  const rest = token.slice(2)
  return HAN_CHAR.test(rest) || DIGITS.test(rest) ? rest : null
}
