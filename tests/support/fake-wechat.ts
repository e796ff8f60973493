import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One customer-service message the fake WeChat accepted. */
export interface SentMessage {
  touser: string
  content: string
}

/**
 * A fake WeChat API on 127.0.0.1: `/cgi-bin/token` issues tokens, `/cgi-bin/message/custom/send` records text
 * messages. `refuse` queues errcodes for the next sends (40001 also invalidates every token issued so far);
 * `refuseAlways` answers every send with one errcode.
 */
export async function startFakeWechat() {
  const state = {
    tokensIssued: 0,
    validTokens: new Set<string>(),
    sent: [] as SentMessage[],
    refused: [] as number[],
    queued: [] as number[],
    always: null as number | null,
  }
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => (body += chunk))
      req.on('end', () => resolve(body))
    })
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const reply = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname === '/cgi-bin/token' && url.searchParams.get('secret') === 'test-app-secret') {
      const token = `token-${++state.tokensIssued}`
      state.validTokens.add(token)
      return reply({ access_token: token, expires_in: 7200 })
    }
    if (url.pathname === '/cgi-bin/message/custom/send' && req.method === 'POST') {
      const body = JSON.parse(await read(req)) as { touser: string; msgtype: string; text: { content: string } }
      const token = url.searchParams.get('access_token') ?? ''
      const errcode = state.validTokens.has(token) ? (state.queued.shift() ?? state.always ?? 0) : 40001
      if (errcode === 40001) state.validTokens.clear()
      if (errcode !== 0) {
        state.refused.push(errcode)
        return reply({ errcode, errmsg: 'refused by the fake' })
      }
      state.sent.push({ touser: body.touser, content: body.text.content })
      return reply({ errcode: 0, errmsg: 'ok' })
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
