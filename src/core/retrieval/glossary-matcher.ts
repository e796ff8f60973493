import type { GlossaryEntry, Lang } from '../knowledge/schema.js'
import type { TextAnalyzer } from '../text/analyze.js'

/** A glossary entry recognised in a question, with the variant that matched. */
export interface MatchedConcept {
  entry: GlossaryEntry
  matched: string
  /** The question's own terms this concept accounts for. */
  covers: string[]
  /** Search terms of the entry's statute wording (zh), analysed once. */
  statuteTerms: string[]
  /** Search terms of the canonical rendering in the question's language (ru/en; empty for zh). */
  renderingTerms: string[]
}

interface CompiledVariant {
  entry: GlossaryEntry
  text: string
  /** Stems that must all occur in the question (ru/en); for Chinese variants, matched as substrings, their terms. */
  stems: string[]
  /** Set when the phrase must also occur as written (its stop words carry the meaning). */
  asWritten?: string | null
  /** Chinese variants: the text without the lexicon's function words (我们, 了, 的…), matched against the question without them. */
  compact?: string
}

interface CompiledEntry {
  statuteTerms: string[]
  rendering: Record<'ru' | 'en', string[]>
}

/**
 * Recognises glossary concepts in a question: Chinese legal and colloquial terms by substring, Russian and English
 * words and phrases by stem (every stem of a phrase must occur). Built once per knowledge base.
 */
export class GlossaryMatcher {
  private readonly chinese: CompiledVariant[] = []
  private readonly byLang: Record<'ru' | 'en', CompiledVariant[]> = { ru: [], en: [] }
  private readonly compiled = new Map<string, CompiledEntry>()

  constructor(entries: readonly GlossaryEntry[], private readonly analyzer: TextAnalyzer) {
    for (const entry of entries) {
      this.compiled.set(entry.id, {
        statuteTerms: entry.zh.flatMap((term) => analyzer.analyze(term, 'zh')),
        rendering: { ru: analyzer.analyze(entry.ru[0]!, 'ru'), en: analyzer.analyze(entry.en[0]!, 'en') },
      })
      for (const text of [...entry.zh, ...entry.zhColloquial]) {
        this.chinese.push({ entry, text, stems: analyzer.analyze(text, 'zh'), compact: this.compactVariant(text) })
      }
      for (const lang of ['ru', 'en'] as const) {
        for (const text of entry[lang]) {
          const stems = analyzer.analyze(text, lang)
          const words = text.trim().split(/\s+/).length
          // A phrase whose stop words vanished ("own time" → time) must match as written, not by its stems alone.
          const asWritten = stems.length < words ? text : null
          if (stems.length > 0) this.byLang[lang].push({ entry, text, stems, asWritten })
        }
      }
    }
  }

  /** `normalizedForPhrases` is the question as `TextAnalyzer.normalizeForPhrases` gives it. */
  match(question: string, lang: Lang, questionTerms: readonly string[], normalizedForPhrases: string): MatchedConcept[] {
    const found = new Map<string, MatchedConcept>()
    const concept = (variant: CompiledVariant): MatchedConcept => {
      const compiled = this.compiled.get(variant.entry.id)!
      return {
        entry: variant.entry,
        matched: variant.text,
        covers: variant.stems,
        statuteTerms: compiled.statuteTerms,
        renderingTerms: lang === 'zh' ? [] : compiled.rendering[lang],
      }
    }
    const normalized = question.normalize('NFKC')
    // People put pronouns and particles inside a phrase: 强迫我们购物 is 强迫购物, 逼着我买 is 逼着买.
    const compact = this.analyzer.withoutChineseFunctionWords(normalized)
    for (const variant of this.chinese) {
      if (found.has(variant.entry.id)) continue
      if (normalized.includes(variant.text) || (variant.compact && compact.includes(variant.compact))) found.set(variant.entry.id, concept(variant))
    }
    if (lang !== 'zh') {
      const terms = new Set(questionTerms)
      for (const variant of this.byLang[lang]) {
        if (found.has(variant.entry.id) || !variant.stems.every((s) => terms.has(s))) continue
        if (variant.asWritten && !normalizedForPhrases.includes(` ${variant.asWritten.toLowerCase()} `)) continue
        found.set(variant.entry.id, concept(variant))
      }
    }
    return [...found.values()]
  }

  /** The compact form of a Chinese variant, unless too little of it is left to match on its own (的士 → 士). */
  private compactVariant(text: string): string | undefined {
    const compact = this.analyzer.withoutChineseFunctionWords(text.normalize('NFKC'))
    return Array.from(compact).length >= 2 ? compact : undefined
  }
}
