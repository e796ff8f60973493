/** npm run report -- --month YYYY-MM — the monthly mediation report (JSON) from the configured database. */
import { resolve } from 'node:path'
import { databaseFile, readConfig, slaPolicy } from '../config.js'
import { monthlyReport } from '../core/mediation/report.js'
import { systemClock } from '../adapters/node/consultation-runtime.js'
import { SqliteStore } from '../adapters/node/sqlite-store.js'

const args = process.argv.slice(2)
const month = args.includes('--month') ? args[args.indexOf('--month') + 1] : undefined
if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
  console.error('usage: npm run report -- --month YYYY-MM')
  process.exit(2)
}
const config = readConfig(process.env)
const store = new SqliteStore(resolve(databaseFile(config)))
console.log(JSON.stringify(await monthlyReport(store, month, systemClock.now(), slaPolicy(config)), null, 2))
store.close()
