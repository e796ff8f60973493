import { z } from 'zod'

/**
 * Which address a request comes from, for rate limiting. Without trusted proxies: the socket peer, always.
 * `X-Forwarded-For` is believed only when the peer is a trusted proxy, and then read from the right: the first hop
 * that is not itself a trusted proxy is the client (the left part of the header is whatever the client sent).
 */
export type TrustedProxies = false | true | readonly string[]

const IPV4 = z.ipv4()
const IPV6 = z.ipv6()

/** `::ffff:1.2.3.4` (how Node reports IPv4 peers on a dual-stack socket) → `1.2.3.4`; lower case; no zone. */
export function normalizeAddress(address: string): string {
  const bare = address.trim().toLowerCase().replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)
  return mapped ? mapped[1]! : bare
}

function ipv4Bits(address: string): bigint | null {
  if (!IPV4.safeParse(address).success) return null
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n)
}

function ipv6Bits(address: string): bigint | null {
  if (!IPV6.safeParse(address).success) return null
  let text = address
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const bits = ipv4Bits(v4[1]!)
    if (bits === null) return null
    text = text.slice(0, -v4[1]!.length) + `${((bits >> 16n) & 0xffffn).toString(16)}:${(bits & 0xffffn).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail !== undefined && tail !== '' ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  if (groups.length !== 8) return null
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n)
}

interface Network {
  bits: bigint
  prefix: number
  width: 32 | 128
}

function parseNetwork(entry: string): Network | null {
  const [address = '', prefixText] = entry.trim().split('/')
  const a = normalizeAddress(address)
  const v4 = ipv4Bits(a)
  const bits = v4 ?? ipv6Bits(a)
  if (bits === null) return null
  const width = v4 !== null ? 32 : 128
  const prefix = prefixText === undefined ? width : Number(prefixText)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return null
  return { bits, prefix, width }
}

function inNetwork(address: string, n: Network): boolean {
  const a = normalizeAddress(address)
  const bits = n.width === 32 ? ipv4Bits(a) : ipv6Bits(a)
  if (bits === null) return false
  const shift = BigInt(n.width - n.prefix)
  return bits >> shift === n.bits >> shift
}

/** Parses FABAO_TRUST_PROXY's list form (`10.0.0.1, 192.168.0.0/16, ::1`); throws on an entry that is not one. */
export function parseTrustedProxyList(list: string): string[] {
  const entries = list.split(',').map((e) => e.trim()).filter(Boolean)
  for (const e of entries) if (!parseNetwork(e)) throw new Error(`not an IP address or CIDR: ${e}`)
  return entries
}

/** A function from (socket peer, X-Forwarded-For header) to the client address. */
export function clientAddressResolver(trust: TrustedProxies) {
  const networks = Array.isArray(trust) ? trust.map((e) => parseNetwork(e)!).filter(Boolean) : []
  const trusted = (address: string) => trust === true || networks.some((n) => inNetwork(address, n))
  return (peer: string | undefined, forwardedFor: string | undefined): string => {
    const socket = normalizeAddress(peer ?? 'unknown')
    if (trust === false || !forwardedFor || forwardedFor.length > 2048 || !trusted(socket)) return socket
    const hops = forwardedFor.split(',').map(normalizeAddress).reverse()
    for (const hop of hops) {
      if (!IPV4.safeParse(hop).success && !IPV6.safeParse(hop).success) return socket // malformed: ignore the header
      // With `on` only the direct peer is a proxy: the last hop it appended is the client.
      if (trust === true || !trusted(hop)) return hop
    }
    return hops.at(-1) ?? socket
  }
}
