import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from '../../config.js'
import { parseLocalContacts } from '../../core/knowledge/local-contacts.js'
import type { LocalContact } from '../../core/knowledge/schema.js'

/**
 * The deployment's local offices: `FABAO_LOCAL_CONTACTS`, or `$FABAO_DATA_DIR/contacts.json` when that exists.
 * No file at the default place means no local offices (answers then name only national numbers); a file that is
 * named but missing, invalid, or still the shipped example stops the start with the reason.
 */
export function loadLocalContacts(config: Pick<Config, 'FABAO_LOCAL_CONTACTS' | 'FABAO_DATA_DIR'>): LocalContact[] {
  const explicit = config.FABAO_LOCAL_CONTACTS
  const file = resolve(explicit ?? join(config.FABAO_DATA_DIR, 'contacts.json'))
  if (!existsSync(file)) {
    if (explicit) throw new Error(`FABAO_LOCAL_CONTACTS: ${file} does not exist`)
    return []
  }
  try {
    return parseLocalContacts(JSON.parse(readFileSync(file, 'utf8')))
  } catch (error) {
    throw new Error(`local contacts ${file} refused: ${(error as Error).message.slice(0, 1500)}`)
  }
}
