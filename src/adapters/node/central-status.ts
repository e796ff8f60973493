/** How long the kiosk waits for the central server, and how long an answer is trusted. */
export const CENTRAL_CHECK = { timeoutMs: 2000, cacheMs: 30_000 }

/**
 * Whether the central server (FABAO_PUBLIC_URL) answers now: GET <url>/healthz must return 2xx within the timeout.
 * Unset URL = offline. The answer is cached briefly so a busy kiosk does not ask on every screen.
 */
export function centralReachability(
  publicUrl: string | undefined,
  options: { timeoutMs: number; cacheMs: number; now?: () => number; fetch?: typeof fetch } = CENTRAL_CHECK,
): () => Promise<boolean> {
  const now = options.now ?? Date.now
  const get = options.fetch ?? fetch
  let cached: { at: number; online: boolean } | null = null
  let pending: Promise<boolean> | null = null
  return async () => {
    if (!publicUrl) return false
    if (cached && now() - cached.at < options.cacheMs) return cached.online
    pending ??= get(`${publicUrl.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'error' })
      .then((res) => {
        void res.body?.cancel()
        return res.ok
      })
      .catch(() => false)
      .then((online) => {
        cached = { at: now(), online }
        pending = null
        return online
      })
    return pending
  }
}
