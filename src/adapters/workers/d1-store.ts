import { SqlStore } from '../sql/sql-store.js'
import { SqlWechatStore } from '../sql/wechat-store.js'
import { D1Driver, type D1Database } from './d1-driver.js'

/**
 * The Store on D1: the same statements as SQLite (SqlStore) over the D1 binding, on the schema that
 * `wrangler d1 migrations apply` builds from src/adapters/migrations/ (the files SQLite applies at open).
 */
export class D1Store extends SqlStore {
  constructor(readonly db: D1Database) {
    super(new D1Driver(db))
  }
}

/** The WeChat channel's state on D1 (migration 0003_wechat.sql), next to the D1Store in the same database. */
export class D1WechatStore extends SqlWechatStore {
  constructor(db: D1Database) {
    super(new D1Driver(db))
  }
}
