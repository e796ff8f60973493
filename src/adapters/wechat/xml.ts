/**
 * WeChat's XML: a flat `<xml>` of named fields, values as text or CDATA, a few fields with nested children (read
 * as `Parent.Child`). A small strict parser rather than a general one: no DOCTYPE, no entities beyond the five
 * predefined and numeric ones, no attributes, a depth limit — anything else is rejected with WechatXmlError.
 */
export class WechatXmlError extends Error {
  override readonly name = 'WechatXmlError'
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/
const MAX_DEPTH = 4
const MAX_FIELDS = 200

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeText(raw: string): string {
  return raw.replace(/&([^;&]{1,10});|&/g, (_match, name: string | undefined) => {
    if (name === undefined) throw new WechatXmlError('bare ampersand')
    if (name in ENTITIES) return ENTITIES[name]!
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]{1,7}$/.test(name) ? parseInt(name.slice(1), 10) : NaN
    if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new WechatXmlError('bad entity')
    return String.fromCodePoint(code)
  })
}

/** Parses `<xml>…</xml>` into its fields; throws WechatXmlError on anything malformed. */
export function parseWechatXml(input: string): Record<string, string> {
  let pos = 0
  const text = input.replace(/^\uFEFF/, '')
  const fields: Record<string, string> = {}
  let count = 0
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++
  }
  const expect = (literal: string) => {
    if (!text.startsWith(literal, pos)) throw new WechatXmlError(`expected ${literal}`)
    pos += literal.length
  }
  const openTag = (): string => {
    expect('<')
    const end = text.indexOf('>', pos)
    if (end < 0) throw new WechatXmlError('unclosed tag')
    const name = text.slice(pos, end).trim()
    if (!NAME.test(name)) throw new WechatXmlError('bad tag')
    pos = end + 1
    return name
  }
  const closeTag = (name: string) => {
    expect('</')
    const end = text.indexOf('>', pos)
    if (end < 0 || text.slice(pos, end).trim() !== name) throw new WechatXmlError('mismatched tag')
    pos = end + 1
  }
  /** The content of an element: its text (CDATA sections and escaped text), or its children. */
  const element = (path: string, depth: number) => {
    if (depth > MAX_DEPTH) throw new WechatXmlError('too deep')
    const name = path.slice(path.lastIndexOf('.') + 1)
    let value = ''
    let children = false
    for (;;) {
      if (pos >= text.length) throw new WechatXmlError('unexpected end')
      if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9)
        if (end < 0) throw new WechatXmlError('unclosed CDATA')
        value += text.slice(pos + 9, end)
        pos = end + 3
      } else if (text.startsWith('</', pos)) {
        closeTag(name)
        break
      } else if (text.startsWith('<', pos)) {
        if (/^<[!?]/.test(text.slice(pos, pos + 2))) throw new WechatXmlError('markup declarations are not accepted')
        if (value.trim() !== '') throw new WechatXmlError('mixed content')
        value = ''
        children = true
        const child = openTag()
        element(`${path}.${child}`, depth + 1)
      } else {
        const next = text.indexOf('<', pos)
        if (next < 0) throw new WechatXmlError('unexpected end')
        const raw = text.slice(pos, next)
        if (children && raw.trim() !== '') throw new WechatXmlError('mixed content')
        value += decodeText(raw)
        pos = next
      }
    }
    if (!children) {
      const key = path.slice('xml.'.length)
      if (++count > MAX_FIELDS) throw new WechatXmlError('too many fields')
      // The top level must not repeat a field; nested lists (e.g. pictures sent at once) keep their first item.
      if (key in fields) {
        if (!key.includes('.')) throw new WechatXmlError('repeated field')
      } else fields[key] = value
    }
  }

  skipSpace()
  if (text.startsWith('<?xml', pos)) {
    const end = text.indexOf('?>', pos)
    if (end < 0) throw new WechatXmlError('bad declaration')
    pos = end + 2
    skipSpace()
  }
  if (openTag() !== 'xml') throw new WechatXmlError('root must be <xml>')
  for (;;) {
    skipSpace()
    if (text.startsWith('</', pos)) {
      closeTag('xml')
      break
    }
    if (/^<[!?]/.test(text.slice(pos, pos + 2))) throw new WechatXmlError('markup declarations are not accepted')
    const name = openTag()
    element(`xml.${name}`, 1)
  }
  skipSpace()
  if (pos !== text.length) throw new WechatXmlError('content after </xml>')
  return fields
}

/** CDATA that survives any text, `]]>` included; control characters XML forbids are dropped. */
export function cdata(value: string): string {
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
  return `<![CDATA[${clean.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`
}

/** A flat `<xml>`: strings as CDATA, numbers as text. */
export function buildWechatXml(fields: Record<string, string | number>): string {
  return `<xml>${Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`)
    .join('')}</xml>`
}
