import { parseChineseNumeral } from './chinese-numerals.js'

export interface ParsedArticle {
  number: number
  label: string
  chapter: string | null
  section: string | null
  zh: string
}

export interface ParsedRegulation {
  /** The `#` title lines before the history (the Civil Code files carry two: the code and the part). */
  titles: string[]
  history: string[]
  articles: ParsedArticle[]
}

const INFO_END = '<!-- INFO END -->'
const ARTICLE_START = /^(\u7b2c([\u96f6\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343]+)\u6761) /
const HEADING = /^(#{1,4})\s+(.*)$/

/** A line holding only zero-width spaces (and blanks) carries nothing: the source README says to drop it. */
function isBlank(line: string): boolean {
  return line.replace(/[\u200b\s]/g, '') === ''
}

function normaliseHeading(text: string): string {
  return text.trim().replace(/\s+/g, ' ')
}

/**
 * Parses one regulation file of ../shared/regulations/zh: a `#` title, the history, `<!-- INFO END -->`, then
 * headings (编/分编/章/节) and articles. An article runs from its `第X条` line over every following paragraph
 * until the next article or heading; text before the first article (an SPC preamble) belongs to none.
 */
export function parseRegulation(markdown: string): ParsedRegulation {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const end = lines.indexOf(INFO_END)
  if (end < 0) throw new Error(`missing ${INFO_END}`)

  const titles: string[] = []
  const history: string[] = []
  for (const line of lines.slice(0, end)) {
    if (isBlank(line)) continue
    const heading = HEADING.exec(line)
    if (heading) titles.push(normaliseHeading(heading[2]!))
    else history.push(line.trim())
  }

  const articles: ParsedArticle[] = []
  let chapter: string | null = null
  let section: string | null = null
  let current: { article: ParsedArticle; paragraphs: string[] } | null = null
  const close = () => {
    if (current) {
      current.article.zh = current.paragraphs.join('\n')
      articles.push(current.article)
      current = null
    }
  }

  for (const line of lines.slice(end + 1)) {
    if (isBlank(line)) continue
    const heading = HEADING.exec(line)
    if (heading) {
      close()
      const text = normaliseHeading(heading[2]!)
      if (/^\u7b2c.+\u8282/.test(text)) section = text
      else if (/^\u7b2c.+\u7ae0/.test(text)) {
        chapter = text
        section = null
      } else {
        // 编 / 分编 headings, or anything above a chapter, start a new context.
        chapter = null
        section = null
      }
      continue
    }
    const start = ARTICLE_START.exec(line)
    if (start) {
      close()
      const number = parseChineseNumeral(start[2]!)
      if (number === null) throw new Error(`cannot read article number in: ${line.slice(0, 20)}`)
      current = { article: { number, label: start[1]!, chapter, section, zh: '' }, paragraphs: [line] }
      continue
    }
    if (current) (current as { paragraphs: string[] }).paragraphs.push(line)
    // Otherwise: a preamble line, which belongs to no article.
  }
  close()
  return { titles, history, articles }
}
