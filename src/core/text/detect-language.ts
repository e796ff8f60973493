import type { Lang } from '../knowledge/schema.js'

const HAN = /\p{Script=Han}/u
const CYRILLIC = /\p{Script=Cyrillic}/u
const LATIN = /\p{Script=Latin}/u

/**
 * A Han character carries about as much as a short word; counting each as three letters lets a Chinese shop name
 * inside a Russian sentence leave the sentence Russian, while a Chinese sentence with one brand name in Latin
 * letters stays Chinese.
 */
const HAN_WEIGHT = 3

export interface ScriptCounts {
  han: number
  cyrillic: number
  latin: number
}

export function countScripts(text: string): ScriptCounts {
  const counts = { han: 0, cyrillic: 0, latin: 0 }
  for (const ch of text) {
    if (HAN.test(ch)) counts.han++
    else if (CYRILLIC.test(ch)) counts.cyrillic++
    else if (LATIN.test(ch)) counts.latin++
  }
  return counts
}

/**
 * Detects zh / ru / en from script, then vocabulary: Latin text made mostly of transliterated Russian words
 * ("mne prodali shubu") is Russian. Returns `fallback` when the text has no letters at all (digits, emoji).
 * An explicit language chosen by the user is applied by the caller and always wins.
 */
export function detectLanguage(text: string, fallback: Lang, transliteratedRussian: ReadonlySet<string>): Lang {
  const { han, cyrillic, latin } = countScripts(text)
  const scores: [Lang, number][] = [
    ['zh', han * HAN_WEIGHT],
    ['ru', cyrillic],
    ['en', latin],
  ]
  scores.sort((a, b) => b[1] - a[1])
  const [best, score] = scores[0]!
  if (score === 0) return fallback
  if (best === 'en') {
    const words = text.toLowerCase().match(/[a-z]+/g) ?? []
    const russian = words.filter((w) => transliteratedRussian.has(w)).length
    if (russian >= 2 && russian * 3 >= words.length) return 'ru'
  }
  return best
}
