/**
 * The tourist's access code: 13 random digits (≈ 43 bits), shown as `1234-5678-9012-3`. Digits because Latin letters
 * are awkward on Russian and Chinese phone keyboards. Input ignores spaces and dashes of any kind.
 */
export const ACCESS_CODE_DIGITS = 13

export function formatAccessCode(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1-')
}

/** The 13 digits of a code as typed, or null when it cannot be one. */
export function normalizeAccessCode(input: string): string | null {
  const digits = input.replace(/[\s\u00a0\-\u2010-\u2015\u2212\u30fc\uff0d]/g, '')
  return new RegExp(`^\\d{${ACCESS_CODE_DIGITS}}$`).test(digits) ? digits : null
}

/** What the mediation core needs to make and recognise cases; the adapter supplies randomness and a keyed hash. */
export interface CaseKeys {
  /** A new case number, e.g. `HH-7K3Q-9MXD`: unique, not secret. */
  caseId(): string
  /** A new access code: ACCESS_CODE_DIGITS random digits. */
  accessCode(): string
  /** A keyed digest of the code's digits (HMAC with a server secret), so a stolen database does not reveal codes. */
  digest(digits: string): Promise<string>
}
