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
/** Topic families decide the practical next steps an answer gives. */
export const TOPIC_FAMILIES = ['consumer', 'tour', 'immigration', 'injury', 'other'] as const
export const TopicFamilySchema = z.enum(TOPIC_FAMILIES)
export type TopicFamily = z.infer<typeof TopicFamilySchema>

export const CatalogEntrySchema = z.object({
  id: LawIdSchema,
  family: TopicFamilySchema,
  kind: LawKindSchema,
  version: z.string().min(1),
  titles: z.object({ zh: TitleSchema, ru: TitleSchema, en: TitleSchema }),
  /** `full`: every article has ru/en translations; `selected`: the articles a visitor meets (issue 4). */
  translationScope: z.enum(['full', 'selected']).default('selected'),
  /** A later text that replaces this one; the set holds only the older text. */
  replacement: z.object({ version: z.string().min(1), inForceFrom: IsoDateSchema }).optional(),
  /** Related instruments that exist but are not in the set (answers mention them). */
  relatedNotInSet: z
    .array(
      z.object({
        titleZh: z.string().min(1),
        /** Our rendering of the title, for answers in ru/en. */
        titles: z.object({ ru: z.string().min(1), en: z.string().min(1) }),
        inForceFrom: IsoDateSchema,
      }),
    )
    .optional(),
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
  label: z.string().regex(/^\u7b2c[\u96f6\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343]+\u6761$/),
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

/**
 * One glossary entry: a Chinese legal term as the statutes write it, and the words people actually type for it in
 * each language. The first `ru`/`en` item is the canonical rendering used in our translations; the rest are
 * variants (colloquial, misspelt, near-synonyms) that should lead a question to the same articles.
 */
export const GlossaryEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  /**
   * `term`: a legal term whose first ru/en item is its rendering; every translation of an article using the zh term
   * must render it (knowledge:check). `concept`: a situation people describe (fake fur, taxi overcharge) mapped to the
   * statute wording that governs it, for retrieval only; its ru/en words are not renderings of its zh.
   */
  kind: z.enum(['term', 'concept']).default('term'),
  /** Terms exactly as they occur in statute text (each must occur in at least one article). */
  zh: z.array(z.string().min(1)).min(1),
  /** What people say in Chinese instead (假货, 退钱, 宰客). */
  zhColloquial: z.array(z.string().min(1)).default([]),
  ru: z.array(z.string().min(1)).min(1),
  en: z.array(z.string().min(1)).min(1),
  note: z.string().optional(),
})
export type GlossaryEntry = z.infer<typeof GlossaryEntrySchema>

export const GlossaryFileSchema = z.object({
  domain: z.string().min(1),
  entries: z.array(GlossaryEntrySchema).min(1),
})

export const TRANSLATION_LANGS = ['ru', 'en'] as const
export const TranslationLangSchema = z.enum(TRANSLATION_LANGS)
export type TranslationLang = z.infer<typeof TranslationLangSchema>

/** Our unofficial rendering of articles of one law in one language; see knowledge/translations/STYLE.md. */
export const TranslationFileSchema = z.object({
  lawId: LawIdSchema,
  lang: TranslationLangSchema,
  articles: z.record(
    z.string().regex(/^[1-9]\d*$/),
    z.object({
      text: z.string().trim().min(1),
      /** sha256 (hex) of the zh text translated; a mismatch means the translation is stale. */
      zhSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      /** Why a visitor needs this article (laws translated only in part). */
      reason: z.string().min(1).optional(),
    }),
  ),
})
export type TranslationFile = z.infer<typeof TranslationFileSchema>

/** Everything the service knows, as loaded by an adapter from knowledge/ (files on Node, bundled assets on Workers). */
export interface KnowledgeBundle {
  laws: Law[]
  lexicons: Lexicons
  translations: TranslationFile[]
  glossary: GlossaryEntry[]
  topics: Topic[]
  /** Practical guidance cards (knowledge/guidance). */
  guidance: GuidanceCard[]
  /** National service numbers (knowledge/contacts/national.json). */
  nationalContacts: NationalContact[]
  /** Short content hash of knowledge/, part of the service version. */
  hash: string
}

/** Emergency services by the national number that answers them. */
export const EMERGENCY_SERVICES = ['police', 'medical', 'fire', 'traffic'] as const
export type EmergencyService = (typeof EMERGENCY_SERVICES)[number]

/**
 * Per-language word lists the analysis needs (knowledge/lexicon/<lang>.json): stop words, Chinese run breaks,
 * wording that signals an emergency, a request for a person, or a money dispute. Russian phrases match as word
 * prefixes (one entry covers its endings), English phrases as whole words, Chinese ones as substrings.
 */
export const LexiconSchema = z.object({
  stopWords: z.array(z.string().min(1)),
  breaks: z.array(z.string().min(1)).default([]),
  latinTransliterations: z.array(z.string().min(1)).default([]),
  emergency: z.object({
    police: z.array(z.string().min(1)),
    medical: z.array(z.string().min(1)),
    fire: z.array(z.string().min(1)),
    traffic: z.array(z.string().min(1)),
  }),
  handoff: z.array(z.string().min(1)).min(1),
  dispute: z.array(z.string().min(1)).min(1),
})
export type Lexicon = z.infer<typeof LexiconSchema>
export type Lexicons = Record<Lang, Lexicon>

/** A situation a visitor meets, the articles that govern it, and the words people use for it (knowledge/topics). */
export const TopicSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  articles: z.array(z.string().regex(/^[a-z0-9-]+:[1-9]\d*$/)).min(1).max(5),
  triggers: z.object({
    zh: z.array(z.string().min(1)).min(1),
    ru: z.array(z.string().min(1)).min(1),
    en: z.array(z.string().min(1)).min(1),
  }),
})
export type Topic = z.infer<typeof TopicSchema>

export const TopicFileSchema = z.object({ domain: z.string().min(1), topics: z.array(TopicSchema).min(1) })

/** National service numbers that never change (knowledge/contacts/national.json). */
export const NATIONAL_NUMBERS = ['110', '119', '120', '122', '12315', '12345', '12348', '12367', '12301'] as const

/** Kinds of local office a deployment configures (`FABAO_LOCAL_CONTACTS`); cards refer to them as `local:<kind>`. */
export const LOCAL_CONTACT_KINDS = [
  'public-legal-service-centre',
  'consumer-rights-station',
  'mediation-room',
  'exit-entry-office',
  'customs',
  'hospital',
  'police-station',
  'tourism-office',
] as const
export type LocalContactKind = (typeof LOCAL_CONTACT_KINDS)[number]

const Trilingual = z.object({ zh: z.string().trim().min(1), ru: z.string().trim().min(1), en: z.string().trim().min(1) })
export type Trilingual = z.infer<typeof Trilingual>
export const TrilingualSchema = Trilingual

export const NationalContactSchema = z.object({
  id: z.enum(NATIONAL_NUMBERS),
  phone: z.string().regex(/^\d{3,5}$/),
  name: Trilingual,
  purpose: Trilingual,
  /** Can be dialled in an emergency (110, 119, 120, 122). */
  emergency: z.boolean().default(false),
})
export type NationalContact = z.infer<typeof NationalContactSchema>

export const NationalContactsFileSchema = z
  .object({ contacts: z.array(NationalContactSchema).length(NATIONAL_NUMBERS.length) })
  .superRefine((file, ctx) => {
    for (const c of file.contacts) {
      if (c.phone !== c.id) ctx.addIssue({ code: 'custom', message: `${c.id}: phone must equal the id` })
    }
    const ids = new Set(file.contacts.map((c) => c.id))
    if (ids.size !== NATIONAL_NUMBERS.length) ctx.addIssue({ code: 'custom', message: 'every national number exactly once' })
  })

const ContactRefSchema = z.union([z.enum(NATIONAL_NUMBERS), z.templateLiteral(['local:', z.enum(LOCAL_CONTACT_KINDS)])])

const CardTextSchema = z.object({
  title: z.string().trim().min(1).max(120),
  answer: z.string().trim().min(1).max(1200),
  steps: z.array(z.string().trim().min(1)).min(2).max(7),
  evidence: z.array(z.string().trim().min(1)).max(6),
  deadlines: z.array(z.string().trim().min(1)).max(4),
})
export type CardText = z.infer<typeof CardTextSchema>

/** A practical guidance card (knowledge/guidance/README.md): what to do, what to keep, whom to call. */
export const GuidanceCardSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    family: TopicFamilySchema,
    topics: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)).min(1).max(6),
    articles: z.array(z.string().regex(/^[a-z0-9-]+:[1-9]\d*$/)).min(1).max(6),
    contacts: z.array(ContactRefSchema).min(1).max(8),
    text: z.object({ zh: CardTextSchema, ru: CardTextSchema, en: CardTextSchema }),
    merchantNote: Trilingual.nullable(),
  })
  .superRefine((card, ctx) => {
    const shape = (l: Lang) => [card.text[l].steps.length, card.text[l].evidence.length, card.text[l].deadlines.length].join('/')
    for (const l of ['ru', 'en'] as const) {
      if (shape(l) !== shape('zh')) {
        ctx.addIssue({ code: 'custom', message: `${card.id}: ${l} has steps/evidence/deadlines ${shape(l)}, zh has ${shape('zh')}` })
      }
    }
    if ((card.family === 'consumer' || card.family === 'tour') && card.merchantNote === null) {
      ctx.addIssue({ code: 'custom', message: `${card.id}: consumer and tour cards need a merchantNote` })
    }
  })
export type GuidanceCard = z.infer<typeof GuidanceCardSchema>

export const GuidanceFileSchema = z.object({ cards: z.array(GuidanceCardSchema).min(1) })

/**
 * Local offices (`FABAO_LOCAL_CONTACTS`): deployment configuration, never shipped data. A file or entry marked
 * `example` is refused, so the shipped example cannot reach a tourist.
 */
export const LocalContactSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  kind: z.enum(LOCAL_CONTACT_KINDS),
  name: Trilingual,
  phone: z.string().regex(/^\+?[0-9][0-9 -]{2,20}[0-9]$/),
  address: Trilingual.nullable().default(null),
  hours: Trilingual.nullable().default(null),
  purpose: Trilingual,
  example: z.boolean().optional(),
})
export type LocalContact = z.infer<typeof LocalContactSchema>

export const LocalContactsFileSchema = z.object({
  example: z.boolean().optional(),
  contacts: z.array(LocalContactSchema),
})
