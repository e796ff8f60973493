const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
}
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 }
const BIG_UNITS: Record<string, number> = { 万: 10_000, 亿: 100_000_000 }

/** Characters that may appear in a Chinese numeral as written in statutes (第一千一百七十九条, 三十日, 五百元). */
export const CHINESE_NUMERAL_CHARS = '零〇一二三四五六七八九十百千万亿两'

/**
 * Parses a Chinese numeral as written in official texts: 十 → 10, 三十五 → 35, 一百零三 → 103,
 * 一千一百七十九 → 1179, 五万 → 50000. Returns null for anything that is not a well-formed numeral.
 */
export function parseChineseNumeral(text: string): number | null {
  if (text.length === 0) return null
  let total = 0
  let section = 0
  let digit: number | null = null
  for (const ch of text) {
    if (ch in DIGITS) {
      digit = DIGITS[ch]!
    } else if (ch in UNITS) {
      section += (digit ?? 1) * UNITS[ch]!
      digit = null
    } else if (ch in BIG_UNITS) {
      total += (section + (digit ?? 0)) * BIG_UNITS[ch]!
      section = 0
      digit = null
    } else {
      return null
    }
  }
  return total + section + (digit ?? 0)
}
