import type { ConfidenceBand } from '../ports.js'
import type { Retrieval } from '../retrieval/retriever.js'

export interface ConfidencePolicy {
  /** Below this top score nothing is cited. */
  minScore: number
  /** Top score from which an answer may be `high`. */
  highScore: number
  /** Share of the question's terms the top article must match to be `high`. */
  highCoverage: number
  /** Without a glossary concept, the top article must match at least this share to be cited at all. */
  minCoverageWithoutConcept: number
  /** Articles scoring below this fraction of the top one are not cited. */
  relativeCut: number
  maxCitations: number
}

export const DEFAULT_CONFIDENCE_POLICY: ConfidencePolicy = {
  minScore: 6,
  highScore: 20,
  highCoverage: 0.3,
  minCoverageWithoutConcept: 0.25,
  relativeCut: 0.3,
  maxCitations: 5,
}

export interface Assessment {
  band: ConfidenceBand
  cited: Retrieval['ranked']
}

/** Decides the confidence band and which ranked articles are worth citing. */
export function assessConfidence(retrieval: Retrieval, policy: ConfidencePolicy = DEFAULT_CONFIDENCE_POLICY): Assessment {
  const top = retrieval.ranked[0]
  if (!top || top.score < policy.minScore) return { band: 'none', cited: [] }
  const hasConcept = retrieval.analyzed.concepts.length > 0
  if (!hasConcept && top.coverage < policy.minCoverageWithoutConcept) return { band: 'none', cited: [] }
  const band: ConfidenceBand =
    top.score >= policy.highScore && top.coverage >= policy.highCoverage ? 'high' : 'possible'
  const cited = retrieval.ranked
    .filter((r) => r.score >= top.score * policy.relativeCut)
    .slice(0, band === 'high' ? policy.maxCitations : Math.min(3, policy.maxCitations))
  return { band, cited }
}
