import type { GlossaryEntry, Lang } from '../knowledge/schema.js'
import type { TextAnalyzer } from '../text/analyze.js'

/** A glossary entry recognised in a question, with the variant that matched. */
export interface MatchedConcept {
  entry: GlossaryEntry
  matched: string
  /** The question's own terms this concept accounts for. */
  covers: string[]
}

interface CompiledVariant {
  entry: GlossaryEntry
  text: string
  /** Stems that must all occur in the question (ru/en); empty for Chinese variants, matched as substrings. */
  stems: string[]
  /** Set when the phrase must also occur as written (its stop words carry the meaning). */
  asWritten?: string | null
}

/**
 * Recognises glossary concepts in a question: Chinese legal and colloquial terms by substring, Russian and English
 * words and phrases by stem (every stem of a phrase must occur). Built once per knowledge base.
 */
export class GlossaryMatcher {
  private readonly chinese: CompiledVariant[] = []
  private readonly byLang: Record<'ru' | 'en', CompiledVariant[]> = { ru: [], en: [] }

  constructor(entries: readonly GlossaryEntry[], private readonly analyzer: TextAnalyzer) {
    for (const entry of entries) {
      for (const text of [...entry.zh, ...entry.zhColloquial]) this.chinese.push({ entry, text, stems: [] })
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

  match(question: string, lang: Lang, questionTerms: readonly string[]): MatchedConcept[] {
    const found = new Map<string, MatchedConcept>()
    const normalized = question.normalize('NFKC')
    for (const variant of this.chinese) {
      if (!found.has(variant.entry.id) && normalized.includes(variant.text)) {
        const covers = this.analyzer.analyze(variant.text, 'zh')
        found.set(variant.entry.id, { entry: variant.entry, matched: variant.text, covers })
      }
    }
    if (lang !== 'zh') {
      const terms = new Set(questionTerms)
      const phrases = this.analyzer.normalizeForPhrases(question)
      for (const variant of this.byLang[lang]) {
        if (found.has(variant.entry.id) || !variant.stems.every((s) => terms.has(s))) continue
        if (variant.asWritten && !phrases.includes(` ${variant.asWritten.toLowerCase()} `)) continue
        found.set(variant.entry.id, { entry: variant.entry, matched: variant.text, covers: variant.stems })
      }
    }
    return [...found.values()]
  }
}
