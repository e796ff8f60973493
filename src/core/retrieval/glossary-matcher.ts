import type { GlossaryEntry, Lang } from '../knowledge/schema.js'
import type { TextAnalyzer } from '../text/analyze.js'

/** A glossary entry recognised in a question, with the variant that matched. */
export interface MatchedConcept {
  entry: GlossaryEntry
  matched: string
}

interface CompiledVariant {
  entry: GlossaryEntry
  text: string
  /** Stems that must all occur in the question (ru/en); empty for Chinese variants, matched as substrings. */
  stems: string[]
}

/**
 * Recognises glossary concepts in a question: Chinese legal and colloquial terms by substring, Russian and English
 * words and phrases by stem (every stem of a phrase must occur). Built once per knowledge base.
 */
export class GlossaryMatcher {
  private readonly chinese: CompiledVariant[] = []
  private readonly byLang: Record<'ru' | 'en', CompiledVariant[]> = { ru: [], en: [] }

  constructor(entries: readonly GlossaryEntry[], analyzer: TextAnalyzer) {
    for (const entry of entries) {
      for (const text of [...entry.zh, ...entry.zhColloquial]) this.chinese.push({ entry, text, stems: [] })
      for (const lang of ['ru', 'en'] as const) {
        for (const text of entry[lang]) {
          const stems = analyzer.analyze(text, lang)
          if (stems.length > 0) this.byLang[lang].push({ entry, text, stems })
        }
      }
    }
  }

  match(question: string, lang: Lang, questionTerms: readonly string[]): MatchedConcept[] {
    const found = new Map<string, MatchedConcept>()
    const normalized = question.normalize('NFKC')
    for (const variant of this.chinese) {
      if (!found.has(variant.entry.id) && normalized.includes(variant.text)) {
        found.set(variant.entry.id, { entry: variant.entry, matched: variant.text })
      }
    }
    if (lang !== 'zh') {
      const terms = new Set(questionTerms)
      for (const variant of this.byLang[lang]) {
        if (!found.has(variant.entry.id) && variant.stems.every((s) => terms.has(s))) {
          found.set(variant.entry.id, { entry: variant.entry, matched: variant.text })
        }
      }
    }
    return [...found.values()]
  }
}
