import type { ConfidenceBand } from '../ports.js'
import type { Retrieval } from '../retrieval/retriever.js'

export interface ConfidencePolicy {
  /** Pieces of evidence (own terms and glossary concepts) the top article needs to be cited at all. */
  minEvidence: number
  /** Pieces of evidence from which an answer is `high`. */
  highEvidence: number
  /** Articles scoring below this fraction of the top one are not cited. */
  relativeCut: number
  maxCitations: number
  /** Dense similarity at which the top article is cited even with little keyword evidence (hybrid retrieval). */
  minSimilarity: number
  /** Dense similarity from which an answer is `high` (together with minEvidence). */
  highSimilarity: number
  /** Dense similarity at which a guidance card is chosen when no situation topic matched. */
  cardSimilarity: number
}

export const DEFAULT_CONFIDENCE_POLICY: ConfidencePolicy = {
  minEvidence: 3,
  highEvidence: 5,
  relativeCut: 0.3,
  maxCitations: 5,
  minSimilarity: Infinity,
  highSimilarity: Infinity,
  cardSimilarity: Infinity,
}

/** With dense retrieval: tuned with `npm run tune -- --hybrid` on the eval dev split. */
export const HYBRID_CONFIDENCE_POLICY: ConfidencePolicy = {
  ...DEFAULT_CONFIDENCE_POLICY,
  highEvidence: 4,
  minSimilarity: Infinity,
  highSimilarity: 0.4,
  cardSimilarity: 0.6,
}

export interface Assessment {
  band: ConfidenceBand
  cited: Retrieval['ranked']
}

/**
 * Decides the confidence band and which ranked articles are worth citing. Raw BM25 scores are not comparable
 * between questions, so the band rests on evidence: how many of the question's own terms, and how many glossary
 * concepts, the best article accounts for — and, with hybrid retrieval, on how close the question and the best article
 * are in the embedding space. Thresholds are tuned on the eval dev split.
 */
export function assessConfidence(retrieval: Retrieval, policy: ConfidencePolicy = DEFAULT_CONFIDENCE_POLICY): Assessment {
  const top = retrieval.ranked[0]
  if (!top || (top.evidence < policy.minEvidence && top.similarity < policy.minSimilarity)) return { band: 'none', cited: [] }
  const high = top.evidence >= policy.highEvidence || (top.evidence >= policy.minEvidence && top.similarity >= policy.highSimilarity)
  const band: ConfidenceBand = high ? 'high' : 'possible'
  const cited = retrieval.ranked
    .filter((r) => r.score >= top.score * policy.relativeCut)
    .slice(0, band === 'high' ? policy.maxCitations : Math.min(3, policy.maxCitations))
  return { band, cited }
}
