import { articleId, type KnowledgeBundle } from '../../core/knowledge/schema.js'

/**
 * Parallel training units from the project's knowledge: each unit holds the same content in as many of zh/ru/en as
 * exist (an article and its translations, a glossary entry, a topic's trigger phrases, one part of a guidance card).
 * Cross-lingual LSI learns from these units that words of different languages occur together.
 */
export interface TextUnit {
  id: string
  kind: 'article' | 'glossary' | 'topic' | 'card'
  zh: string[]
  ru: string[]
  en: string[]
}

export interface CorpusOptions {
  /** Article ids whose ru/en translations are left out (held out for the quality check); their zh text stays. */
  heldOut?: ReadonlySet<string>
  /** Add the zh text of a topic's articles to the topic unit. */
  topicArticles?: boolean
  /** Topic trigger phrases left out of training (keys from `triggerKey`), for the topic-trigger quality check. */
  heldOutTriggers?: ReadonlySet<string>
}

export type TriggerLang = 'zh' | 'ru' | 'en'

/** Identifies one trigger phrase of one topic in one language. */
export function triggerKey(topicId: string, lang: TriggerLang, phrase: string): string {
  return `${topicId}\u0000${lang}\u0000${phrase}`
}

/** Strips the "Статья 35." / "Article 35." label our translations start with (the zh label is kept: it is statute text). */
export function stripLabel(text: string): string {
  return text.replace(/^(Статья|Article)\s+\d+\.\s*/u, '')
}

export function articleTexts(bundle: KnowledgeBundle): Map<string, { zh: string; ru?: string; en?: string }> {
  const out = new Map<string, { zh: string; ru?: string; en?: string }>()
  for (const law of bundle.laws) for (const a of law.articles) out.set(articleId(law.id, a.number), { zh: a.zh })
  for (const file of bundle.translations) {
    for (const [number, entry] of Object.entries(file.articles)) {
      const item = out.get(articleId(file.lawId, Number(number)))
      if (item) item[file.lang] = stripLabel(entry.text)
    }
  }
  return out
}

export function trainingUnits(bundle: KnowledgeBundle, options: CorpusOptions = {}): TextUnit[] {
  const units: TextUnit[] = []
  const articles = articleTexts(bundle)
  for (const [id, a] of articles) {
    const held = options.heldOut?.has(id) ?? false
    units.push({
      id,
      kind: 'article',
      zh: [a.zh],
      ru: !held && a.ru ? [a.ru] : [],
      en: !held && a.en ? [a.en] : [],
    })
  }
  for (const e of bundle.glossary) {
    units.push({ id: `glossary:${e.id}`, kind: 'glossary', zh: [...e.zh, ...e.zhColloquial], ru: e.ru, en: e.en })
  }
  for (const t of bundle.topics) {
    const keep = (lang: TriggerLang) => t.triggers[lang].filter((p) => !options.heldOutTriggers?.has(triggerKey(t.id, lang, p)))
    const zh = keep('zh')
    if (options.topicArticles) for (const id of t.articles) zh.push(articles.get(id)?.zh ?? '')
    units.push({ id: `topic:${t.id}`, kind: 'topic', zh, ru: keep('ru'), en: keep('en') })
  }
  for (const card of bundle.guidance) {
    const { zh, ru, en } = card.text
    units.push({ id: `card:${card.id}:answer`, kind: 'card', zh: [zh.title, zh.answer], ru: [ru.title, ru.answer], en: [en.title, en.answer] })
    for (const part of ['steps', 'evidence', 'deadlines'] as const) {
      zh[part].forEach((text, i) => {
        units.push({ id: `card:${card.id}:${part}:${i}`, kind: 'card', zh: [text], ru: [ru[part][i] ?? ''], en: [en[part][i] ?? ''] })
      })
    }
    if (card.merchantNote) {
      const m = card.merchantNote
      units.push({ id: `card:${card.id}:merchant`, kind: 'card', zh: [m.zh], ru: [m.ru], en: [m.en] })
    }
  }
  return units
}

export function unitText(unit: TextUnit): string {
  return [...unit.zh, ...unit.ru, ...unit.en].filter((t) => t.length > 0).join('\n')
}
