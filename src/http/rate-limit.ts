/**
 * A fixed-window request budget per client key, in memory. Bounded: the oldest windows are dropped when more than
 * `maxClients` keys are tracked, so a flood of spoofed keys cannot exhaust memory.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly limitPerWindow: number,
    private readonly windowMs = 60_000,
    private readonly maxClients = 100_000,
  ) {}

  /** Counts one request; returns the seconds to wait when over budget, or 0 when allowed. */
  take(key: string, nowMs: number): number {
    if (this.limitPerWindow <= 0) return 0
    let window = this.windows.get(key)
    if (!window || nowMs - window.start >= this.windowMs) {
      this.windows.delete(key)
      window = { start: nowMs, count: 0 }
      this.windows.set(key, window)
      if (this.windows.size > this.maxClients) {
        const oldest = this.windows.keys().next().value
        if (oldest !== undefined) this.windows.delete(oldest)
      }
    }
    window.count++
    if (window.count <= this.limitPerWindow) return 0
    return Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000))
  }
}
