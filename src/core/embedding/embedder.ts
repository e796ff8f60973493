/** Whether a text is a question (query) or a stored text (passage); models such as E5 prefix them differently. */
export type EmbedKind = 'query' | 'passage'

/** Turns texts into L2-normalised vectors of `dimension` numbers; vectors of the same model compare by dot product. */
export interface Embedder {
  readonly modelId: string
  readonly dimension: number
  embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]>
}

/** Cosine of two L2-normalised vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}
