import { LocalContactsFileSchema, type LocalContact } from './schema.js'

/** Marks of the shipped example: a deployment must replace them with real, verified offices. */
const EXAMPLE_NAME = /\bEXAMPLE\b/
const PLACEHOLDER_PHONE = /^\+?[0\s-]*86[\s-]*[0\s-]+$/

/**
 * Validates a deployment's local contacts file (`FABAO_LOCAL_CONTACTS`). The shipped example — or any entry still
 * marked `example`, named EXAMPLE or carrying the placeholder phone — is refused with a message saying which, so
 * an invented office can never reach a tourist.
 */
export function parseLocalContacts(data: unknown): LocalContact[] {
  const file = LocalContactsFileSchema.parse(data)
  if (file.example) throw new Error('this is the example contacts file ("example": true); replace it with real offices')
  const refused: string[] = []
  const ids = new Set<string>()
  for (const contact of file.contacts) {
    const names = [contact.name.zh, contact.name.ru, contact.name.en]
    if (contact.example || names.some((n) => EXAMPLE_NAME.test(n)) || (contact.phone && PLACEHOLDER_PHONE.test(contact.phone))) {
      refused.push(contact.id)
    }
    if (ids.has(contact.id)) throw new Error(`contact id ${contact.id} appears twice`)
    ids.add(contact.id)
  }
  if (refused.length) throw new Error(`example entries must be replaced with real offices: ${refused.join(', ')}`)
  return file.contacts
}
