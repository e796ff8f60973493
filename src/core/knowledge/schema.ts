import { z } from 'zod'

export const LANGS = ['zh', 'ru', 'en'] as const
export const LangSchema = z.enum(LANGS)
export type Lang = z.infer<typeof LangSchema>

export const LawIdSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
export type LawId = z.infer<typeof LawIdSchema>

const TitleSchema = z.object({ full: z.string().min(1), short: z.string().min(1) })
const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

export const LawKindSchema = z.enum(['law', 'regulation', 'departmental-rule', 'judicial-interpretation'])

/** Hand-written facts about each law that the source files do not carry: titles in three languages, version, later changes. */
export const CatalogEntrySchema = z.object({
  id: LawIdSchema,
  kind: LawKindSchema,
  version: z.string().min(1),
  titles: z.object({ zh: TitleSchema, ru: TitleSchema, en: TitleSchema }),
  /** A later text that replaces this one; the set holds only the older text. */
  replacement: z.object({ version: z.string().min(1), inForceFrom: IsoDateSchema }).optional(),
  /** Related instruments that exist but are not in the set (answers mention them). */
  relatedNotInSet: z.array(z.object({ titleZh: z.string().min(1), inForceFrom: IsoDateSchema })).optional(),
})
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>

export const CatalogSchema = z.object({
  source: z.string().min(1),
  laws: z.array(CatalogEntrySchema).min(1),
})

export const ArticleSchema = z.object({
  /** Article number exactly as in the official text (Civil Code parts keep code-wide numbers). */
  number: z.number().int().positive(),
  /** The label as printed, e.g. 第三十五条. */
  label: z.string().regex(/^第[零〇一二三四五六七八九十百千]+条$/),
  chapter: z.string().min(1).nullable(),
  section: z.string().min(1).nullable(),
  /** Verbatim Chinese text, label included, paragraphs separated by "\n". */
  zh: z.string().min(1),
})
export type Article = z.infer<typeof ArticleSchema>

export const LawSchema = CatalogEntrySchema.extend({
  /** Promulgation and amendment history lines, as in the source. */
  history: z.array(z.string().min(1)),
  source: z.string().min(1),
  articles: z.array(ArticleSchema).min(1),
}).superRefine((law, ctx) => {
  const seen = new Set<number>()
  for (const article of law.articles) {
    if (seen.has(article.number)) {
      ctx.addIssue({ code: 'custom', message: `${law.id}: article ${article.number} appears twice` })
    }
    seen.add(article.number)
  }
})
export type Law = z.infer<typeof LawSchema>

export function articleId(lawId: string, article: number): string {
  return `${lawId}:${article}`
}
