/**
 * Truncated SVD of a sparse document×term matrix by the randomized range finder (Halko, Martinsson, Tropp 2011):
 * a seeded Gaussian start, a few power iterations with re-orthonormalisation, then an exact eigendecomposition of
 * the small projected problem (cyclic Jacobi). Deterministic: same input and seed, same numbers.
 */

/** mulberry32: a small seeded 32-bit generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12)
    const v = random()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

/** Rows = documents; each row a list of (column, value). */
export interface SparseRows {
  rows: number
  cols: number
  index: Int32Array[]
  value: Float64Array[]
}

/** out (cols × l) = Aᵀ Q, Q dense rows × l (row-major). */
function multiplyTransposed(a: SparseRows, q: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.cols * l)
  for (let d = 0; d < a.rows; d++) {
    const idx = a.index[d]!
    const val = a.value[d]!
    const qOff = d * l
    for (let k = 0; k < idx.length; k++) {
      const off = idx[k]! * l
      const v = val[k]!
      for (let j = 0; j < l; j++) out[off + j]! += v * q[qOff + j]!
    }
  }
  return out
}

/** out (rows × l) = A P, P dense cols × l. */
function multiply(a: SparseRows, p: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.rows * l)
  for (let d = 0; d < a.rows; d++) {
    const idx = a.index[d]!
    const val = a.value[d]!
    const oOff = d * l
    for (let k = 0; k < idx.length; k++) {
      const off = idx[k]! * l
      const v = val[k]!
      for (let j = 0; j < l; j++) out[oOff + j]! += v * p[off + j]!
    }
  }
  return out
}

/** Orthonormalises the l columns of an n × l row-major matrix in place (modified Gram–Schmidt, twice). */
function orthonormalize(y: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < l; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0
        for (let r = 0; r < n; r++) dot += y[r * l + i]! * y[r * l + j]!
        for (let r = 0; r < n; r++) y[r * l + j]! -= dot * y[r * l + i]!
      }
      let norm = 0
      for (let r = 0; r < n; r++) norm += y[r * l + j]! ** 2
      norm = Math.sqrt(norm)
      for (let r = 0; r < n; r++) y[r * l + j] = norm > 1e-12 ? y[r * l + j]! / norm : 0
    }
  }
}

/** Eigen-decomposition of a symmetric l × l matrix (cyclic Jacobi); eigenvalues descending, vectors as columns. */
export function symmetricEigen(matrix: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix)
  const v = new Float64Array(l * l)
  for (let i = 0; i < l; i++) v[i * l + i] = 1
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0
    for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) off += a[i * l + j]! ** 2
    if (off < 1e-22) break
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q]!
        if (Math.abs(apq) < 1e-300) continue
        const theta = (a[q * l + q]! - a[p * l + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p]!
          const akq = a[k * l + q]!
          a[k * l + p] = c * akp - s * akq
          a[k * l + q] = s * akp + c * akq
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k]!
          const aqk = a[q * l + k]!
          a[p * l + k] = c * apk - s * aqk
          a[q * l + k] = s * apk + c * aqk
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p]!
          const vkq = v[k * l + q]!
          v[k * l + p] = c * vkp - s * vkq
          v[k * l + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y]! - a[x * l + x]! || x - y)
  const values = new Float64Array(l)
  const vectors = new Float64Array(l * l)
  order.forEach((src, dst) => {
    values[dst] = a[src * l + src]!
    for (let k = 0; k < l; k++) vectors[k * l + dst] = v[k * l + src]!
  })
  return { values, vectors }
}

export interface TruncatedSvd {
  k: number
  /** Singular values, descending. */
  s: Float64Array
  /** Right singular vectors (the column/term side), cols × k row-major. */
  v: Float64Array
}

/** Top-k SVD of A (rows × cols) ≈ U S Vᵀ; returns S and V (one row per column of A). */
export function randomizedSvd(a: SparseRows, k: number, options: { oversample: number; powerIterations: number; seed: number }): TruncatedSvd {
  const l = Math.min(k + options.oversample, a.rows, a.cols)
  if (k > l) throw new Error(`svd: k=${k} exceeds the matrix rank bound ${l}`)
  const normal = gaussian(seededRandom(options.seed))
  let q: Float64Array = new Float64Array(a.rows * l)
  for (let i = 0; i < q.length; i++) q[i] = normal()
  orthonormalize(q, a.rows, l)
  for (let it = 0; it <= options.powerIterations; it++) {
    q = multiply(a, multiplyTransposed(a, q, l), l)
    orthonormalize(q, a.rows, l)
  }
  // B = Qᵀ A (l × cols); P = Bᵀ (cols × l). B Bᵀ = Pᵀ P = W Λ Wᵀ, so B = W S Vᵀ with V = P W S⁻¹.
  const p = multiplyTransposed(a, q, l)
  const gram = new Float64Array(l * l)
  for (let r = 0; r < a.cols; r++) {
    const off = r * l
    for (let i = 0; i < l; i++) {
      const pi = p[off + i]!
      if (pi === 0) continue
      for (let j = i; j < l; j++) gram[i * l + j]! += pi * p[off + j]!
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) gram[i * l + j] = gram[j * l + i]!
  const { values, vectors } = symmetricEigen(gram, l)
  const s = new Float64Array(k)
  for (let i = 0; i < k; i++) s[i] = Math.sqrt(Math.max(values[i]!, 0))
  const v = new Float64Array(a.cols * k)
  for (let r = 0; r < a.cols; r++) {
    for (let i = 0; i < k; i++) {
      if (s[i]! === 0) continue
      let sum = 0
      for (let j = 0; j < l; j++) sum += p[r * l + j]! * vectors[j * l + i]!
      v[r * k + i] = sum / s[i]!
    }
  }
  return { k, s, v }
}
