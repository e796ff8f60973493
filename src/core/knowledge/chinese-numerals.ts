const DIGITS: Record<string, number> = {
  '\u96f6': 0, '\u3007': 0, '\u4e00': 1, '\u4e8c': 2, '\u4e24': 2, '\u4e09': 3, '\u56db': 4, '\u4e94': 5, '\u516d': 6, '\u4e03': 7, '\u516b': 8, '\u4e5d': 9,
}
const UNITS: Record<string, number> = { '\u5341': 10, '\u767e': 100, '\u5343': 1000 }
const BIG_UNITS: Record<string, number> = { '\u4e07': 10_000, '\u4ebf': 100_000_000 }

/** Characters that may appear in a Chinese numeral as written in statutes (第一千一百七十九条, 三十日, 五百元). */
export const CHINESE_NUMERAL_CHARS = '\u96f6\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343\u4e07\u4ebf\u4e24'

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
