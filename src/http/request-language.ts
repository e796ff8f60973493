import { LANGS, type Lang } from '../core/knowledge/schema.js'

/** The first of zh / ru / en named in an Accept-Language header, by preference order; null if none. */
export function languageFromAcceptLanguage(header: string | undefined): Lang | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean)
      return { base: tag.toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i }
    })
    .filter((x) => !Number.isNaN(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const { base } of ranked) if ((LANGS as readonly string[]).includes(base)) return base as Lang
  return null
}
