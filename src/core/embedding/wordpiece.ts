import { z } from 'zod'

/**
 * A WordPiece tokenizer read from a HuggingFace `tokenizer.json`, reproducing exactly what transformers.js 2.17
 * (`PreTrainedTokenizer._encode_text` → normalizer → `BertPreTokenizer` → `WordPieceTokenizer`) produces, so the
 * pure-JS embedder and the ONNX model see the same ids. Only the parts our model uses are accepted:
 * normalizers NFC/NFKC/NFD/NFKD/Lowercase (or a Sequence of them), the BERT pre-tokenizer, no post-processor.
 */

type NormalizerConfig =
  | { type: 'NFC' | 'NFKC' | 'NFD' | 'NFKD' | 'Lowercase' }
  | { type: 'Sequence'; normalizers: NormalizerConfig[] }

const NormalizerSchema: z.ZodType<NormalizerConfig> = z.lazy(() =>
  z.union([
    z.object({ type: z.enum(['NFC', 'NFKC', 'NFD', 'NFKD', 'Lowercase']) }),
    z.object({ type: z.literal('Sequence'), normalizers: z.array(NormalizerSchema) }),
  ]),
)

export const AddedTokenSchema = z.object({
  id: z.number().int().nonnegative(),
  content: z.string().min(1),
  single_word: z.boolean().optional(),
  lstrip: z.boolean().optional(),
  rstrip: z.boolean().optional(),
  normalized: z.boolean().optional(),
  special: z.boolean().optional(),
})

export const WordPieceTokenizerJsonSchema = z.object({
  version: z.string().optional(),
  added_tokens: z.array(AddedTokenSchema),
  normalizer: NormalizerSchema.nullable(),
  pre_tokenizer: z.object({ type: z.literal('BertPreTokenizer') }),
  post_processor: z.null(),
  decoder: z.unknown().optional(),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string().min(1),
    continuing_subword_prefix: z.string(),
    max_input_chars_per_word: z.number().int().positive().optional(),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
  }),
})
export type WordPieceTokenizerJson = z.infer<typeof WordPieceTokenizerJsonSchema>

/** The parts of `tokenizer_config.json` that change the ids transformers.js produces. */
export const TokenizerConfigSchema = z.looseObject({
  model_max_length: z.number().int().positive(),
  remove_space: z.boolean().optional(),
  do_lowercase_and_remove_accent: z.boolean().optional(),
})

/** Same characters as transformers.js `PUNCTUATION_REGEX` (tokenizers.js). */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E'

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function normalizerFn(config: NormalizerConfig | null): (text: string) => string {
  if (config === null) return (t) => t
  switch (config.type) {
    case 'Lowercase':
      return (t) => t.toLowerCase()
    case 'Sequence': {
      const steps = config.normalizers.map(normalizerFn)
      return (t) => steps.reduce((acc, f) => f(acc), t)
    }
    default: {
      const form = config.type
      return (t) => t.normalize(form)
    }
  }
}

export class WordPieceTokenizer {
  readonly vocabSize: number
  readonly unkId: number
  readonly maxLength: number
  private readonly ids: Map<string, number>
  private readonly normalize: (text: string) => string
  private readonly addedSplit: RegExp | null
  private readonly added: Set<string>
  private readonly prefix: string
  private readonly maxChars: number
  private readonly maxPieceChars: number
  private readonly wordPattern = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu')
  private readonly removeSpace: boolean
  private readonly unk: string

  /** `tokenizerJson`: a parsed tokenizer.json; `tokenizerConfig`: a parsed tokenizer_config.json (model_max_length). */
  constructor(tokenizerJson: unknown, tokenizerConfig: unknown) {
    const json = WordPieceTokenizerJsonSchema.parse(tokenizerJson)
    const config = TokenizerConfigSchema.parse(tokenizerConfig)
    if (config.do_lowercase_and_remove_accent) throw new Error('tokenizer_config: do_lowercase_and_remove_accent is not supported')
    this.removeSpace = config.remove_space === true
    this.maxLength = config.model_max_length
    this.ids = new Map(Object.entries(json.model.vocab))
    for (const token of json.added_tokens) this.ids.set(token.content, token.id)
    const unk = this.ids.get(json.model.unk_token)
    if (unk === undefined) throw new Error(`tokenizer.json: unk_token ${json.model.unk_token} is not in the vocabulary`)
    this.unkId = unk
    this.unk = json.model.unk_token
    this.vocabSize = Math.max(...this.ids.values()) + 1
    this.normalize = normalizerFn(json.normalizer)
    this.added = new Set(json.added_tokens.map((t) => t.content))
    this.addedSplit =
      json.added_tokens.length > 0
        ? new RegExp(json.added_tokens.map((t) => `${t.lstrip ? '\\s*' : ''}(${escapeRegExp(t.content)})${t.rstrip ? '\\s*' : ''}`).join('|'))
        : null
    this.prefix = json.model.continuing_subword_prefix
    this.maxChars = json.model.max_input_chars_per_word ?? 100
    let longest = 0
    for (const key of this.ids.keys()) longest = Math.max(longest, Array.from(key).length)
    this.maxPieceChars = longest
  }

  /** The token strings of one text (no truncation), as transformers.js `tokenizer.tokenize` gives them. */
  tokenize(text: string): string[] {
    const sections = this.addedSplit ? text.split(this.addedSplit).filter((x) => x) : [text]
    const out: string[] = []
    for (let section of sections) {
      if (this.added.has(section)) {
        out.push(section)
        continue
      }
      if (this.removeSpace) section = section.trim().split(/\s+/).join(' ')
      section = this.normalize(section)
      if (section.length === 0) continue
      for (const word of section.trim().match(this.wordPattern) ?? []) this.encodeWord(word, out)
    }
    return out
  }

  /** Token ids of one text, truncated to model_max_length as the feature-extraction pipeline does. */
  encode(text: string): number[] {
    const ids = this.tokenize(text).map((t) => this.ids.get(t) ?? this.unkId)
    return ids.length > this.maxLength ? ids.slice(0, this.maxLength) : ids
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token)
  }

  /** Greedy longest-match-first; a word with any piece not in the vocabulary becomes one unknown token. */
  private encodeWord(word: string, out: string[]): void {
    const chars = Array.from(word)
    if (chars.length > this.maxChars) {
      out.push(this.unkToken())
      return
    }
    const pieces: string[] = []
    let start = 0
    while (start < chars.length) {
      // A substring longer than the longest vocabulary entry cannot match: starting there gives the same result.
      let end = Math.min(chars.length, start + this.maxPieceChars)
      let found: string | null = null
      while (start < end) {
        let piece = chars.slice(start, end).join('')
        if (start > 0) piece = this.prefix + piece
        if (this.ids.has(piece)) {
          found = piece
          break
        }
        end--
      }
      if (found === null) {
        out.push(this.unkToken())
        return
      }
      pieces.push(found)
      start = end
    }
    out.push(...pieces)
  }

  private unkToken(): string {
    return this.unk
  }
}
