import { statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'

/** Below this much free space on the database's file system the service reports itself not ready. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024

/**
 * Whether the database takes writes now, for /readyz: a real write (an audit row inside a transaction that is
 * rolled back, so it takes the write lock and fails on a read-only or locked file), room left under
 * `max_page_count`, and free space on the file system. Never leaves anything behind.
 */
export function sqliteWritable(db: Database.Database, file: string): () => Promise<boolean> {
  const rollback = new Error('readiness probe: roll back')
  const probe = db.transaction(() => {
    db.prepare("INSERT INTO audit_events (case_id, actor, action, detail, at) VALUES (NULL, 'system', 'readiness-probe', NULL, ?)").run(new Date().toISOString())
    throw rollback
  })
  return async () => {
    try {
      probe()
    } catch (error) {
      if (error !== rollback) return false
    }
    try {
      const pages = db.pragma('page_count', { simple: true }) as number
      const max = db.pragma('max_page_count', { simple: true }) as number
      if (pages >= max - 2) return false
      if (file !== ':memory:') {
        const fs = statfsSync(dirname(file))
        if (fs.bavail * fs.bsize < MIN_FREE_BYTES) return false
      }
      return true
    } catch {
      return false
    }
  }
}
