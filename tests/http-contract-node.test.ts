import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteStore } from '../src/adapters/node/sqlite-store.js'
import { sqliteWritable } from '../src/adapters/node/storage-probe.js'
import { describeHttpContract } from './contract/http-contract.js'
import { testApp } from './support/runtime.js'

// The HTTP contract against the Node app: the real knowledge, retrieval and locales, a real SQLite file with the
// migrations and its readiness probe, cases on, rate limiting off (as testApp has it), through app.request().
describeHttpContract('Node (app.request)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabao-contract-'))
  const file = join(dir, 'fabao.db')
  const store = new SqliteStore(file)
  const { app } = testApp({ storageWritable: sqliteWritable(store.database, file) }, { store })
  return {
    request: async (path, init) => app.request(path, init),
    casesEnabled: true,
    close: async () => {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})
