/**
 * The Worker under `wrangler dev` (workerd on 127.0.0.1, D1 persisted locally, no account, no network): the HTTP
 * contract suite that also runs against Node, the same citations as Node for every eval question, cases that
 * survive a restart, and a Worker that keeps no cases (FABAO_EDGE_CASES=off) referring disputes to the central server.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildEdgeAssets } from '../src/build/edge-assets.js'
import { loadEvalSet } from '../src/cli/eval-set.js'
import { readConfig } from '../src/config.js'
import { askAll, describeHttpContract, type ContractQuestion, type ContractTarget } from './contract/http-contract.js'
import { testApp } from './support/runtime.js'
import { migrateLocalD1, startWranglerDev, type WranglerDev } from '../src/cli/wrangler-dev.js'

// Building the assets, migrating D1 and starting workerd take tens of seconds on a busy 2-core machine.
vi.setConfig({ hookTimeout: 240_000, testTimeout: 60_000 })

const EDGE_SECRET = 'edge-test-secret-of-at-least-32-characters'
const persistTo = mkdtempSync(join(tmpdir(), 'fabao-edge-d1-'))
const casesOn = { FABAO_EDGE_CASES: 'on', FABAO_SECRET: EDGE_SECRET, FABAO_RATE_LIMIT_PER_MINUTE: '0' }

let assetsBuilt = false
let running: WranglerDev | undefined

/** The Worker with cases in D1, started once for this file (assets built and D1 migrated first). */
async function edgeWithCases(): Promise<WranglerDev> {
  if (!assetsBuilt) {
    buildEdgeAssets(readConfig({}))
    migrateLocalD1(persistTo)
    assetsBuilt = true
  }
  running ??= await startWranglerDev({ persistTo, vars: casesOn })
  return running
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
const json = async (response: Response): Promise<any> => response.json()

const over = (dev: WranglerDev): ContractTarget => ({
  request: (path, init) => fetch(`${dev.url}${path}`, { redirect: 'manual', ...init }),
  casesEnabled: true,
})

afterAll(async () => {
  await running?.stop()
  rmSync(persistTo, { recursive: true, force: true })
})

describeHttpContract('workerd (wrangler dev, D1)', async () => over(await edgeWithCases()))

/** How workerd's own ICU splits each text into Chinese words (Intl.Segmenter, as the text analyzer uses it). */
async function workerdChineseWords(texts: string[]): Promise<string[][]> {
  const mf = new Miniflare({
    modules: true,
    compatibilityDate: '2026-04-01',
    script: `export default { async fetch(request) {
      const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })
      return Response.json((await request.json()).map((t) => [...segmenter.segment(t)].map((s) => s.segment)))
    } }`,
  })
  try {
    return (await (await mf.dispatchFetch('http://segmenter/', { method: 'POST', body: JSON.stringify(texts) })).json()) as string[][]
  } finally {
    await mf.dispose()
  }
}

describe('the Worker and the Node server answer alike', () => {
  it('gives the same citations, in the same order, for every eval question in zh, ru and en', { timeout: 240_000 }, async () => {
    const questions: ContractQuestion[] = loadEvalSet().flatMap((item) =>
      (['zh', 'ru', 'en'] as const).map((lang) => ({ lang, message: item.questions[lang] })),
    )
    const node = testApp()
    const nodeTarget: ContractTarget = { request: async (path, init) => node.app.request(path, init), casesEnabled: true }
    const [onNode, onWorker] = await Promise.all([askAll(nodeTarget, questions), askAll(over(await edgeWithCases()), questions, { concurrency: 2 })])
    // The one thing that differs between the runtimes is ICU's Chinese word dictionary (workerd's is newer: it knows
    // 五大连池 where Node 20 splits 五|大连|池). Where both split a question alike, the answers must be identical;
    // where they do not, the best citation must still be the same.
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })
    const inWorkerd = await workerdChineseWords(questions.map((q) => q.message))
    const splitAlike = questions.map((q, i) => [...segmenter.segment(q.message)].map((s) => s.segment).join('|') === inWorkerd[i]!.join('|'))
    const differences = questions
      .map((q, i) => ({ ...q, splitAlike: splitAlike[i], node: onNode[i]!.join(' '), worker: onWorker[i]!.join(' ') }))
      .filter((d) => d.node !== d.worker)
    expect(differences.filter((d) => d.splitAlike)).toEqual([])
    for (const d of differences) expect(d.worker.split(' ')[0], d.message).toBe(d.node.split(' ')[0])
    expect(splitAlike.filter(Boolean).length).toBeGreaterThan(questions.length * 0.9)
    expect(onNode.filter((c) => c.length > 0).length).toBeGreaterThan(questions.length / 2) // answers, not all refusals
  })
})

describe('cases on D1 survive a restart of wrangler dev', () => {
  it('a case handed off before the restart opens with its access code after it, with its transcript', { timeout: 180_000 }, async () => {
    let dev = await edgeWithCases()
    const chat = await fetch(`${dev.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Ресторан посчитал рыбу по весу втрое дороже, чем было в меню', lang: 'ru' }),
    }).then(json)
    const handoff = await fetch(`${dev.url}/api/handoff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: chat.sessionId, lang: 'ru' }),
    })
    expect(handoff.status).toBe(201)
    const created = (await json(handoff)) as { caseId: string; accessCode: string }

    await dev.stop()
    running = undefined
    dev = await edgeWithCases()

    const reopened = await fetch(`${dev.url}/api/cases/${created.caseId}`, { headers: { 'x-access-code': created.accessCode } })
    expect(reopened.status).toBe(200)
    const body = await json(reopened)
    expect(body.caseId).toBe(created.caseId)
    expect(body.status).toBe('new')
    expect(JSON.stringify(body)).toContain('Ресторан посчитал рыбу по весу')
  })
})

describe('a Worker that keeps no cases (FABAO_EDGE_CASES=off, the wrangler.toml default)', () => {
  let dev: WranglerDev
  const emptyState = mkdtempSync(join(tmpdir(), 'fabao-edge-off-'))
  beforeAll(async () => {
    await edgeWithCases() // builds the assets
    dev = await startWranglerDev({
      persistTo: emptyState,
      vars: { FABAO_PUBLIC_URL: 'https://fabao.heihe.example', FABAO_RATE_LIMIT_PER_MINUTE: '8' },
    })
  }, 180_000)
  afterAll(async () => {
    await dev?.stop()
    rmSync(emptyState, { recursive: true, force: true })
  })

  it('answers questions, refuses a handoff in the tourist\'s language naming the central server, and redirects the case page there', async () => {
    const chat = await fetch(`${dev.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Мне продали поддельную шубу как натуральный мех, что делать?' }),
    })
    expect(chat.status).toBe(200)
    const answer = await json(chat)
    expect(answer.lang).toBe('ru')
    expect(answer.citations.length).toBeGreaterThan(0)

    const handoff = await fetch(`${dev.url}/api/handoff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'ru' },
      body: JSON.stringify({ sessionId: answer.sessionId, lang: 'ru' }),
    })
    expect(handoff.status).toBe(501)
    const refusal = await json(handoff)
    expect(refusal.error.code).toBe('cases_elsewhere')
    expect(refusal.error.message).toContain('https://fabao.heihe.example')
    expect(refusal.error.message).toMatch(/медиатор/)

    // Every case route: the same refusal, in the body's language (else Accept-Language), nothing created.
    const routes: [string, string, object | undefined][] = [
      ['POST', '/api/cases/open', { accessCode: '1234-5678-9012-3', lang: 'zh' }],
      ['POST', '/api/cases/HH-0000-0000/messages', { text: 'hello', lang: 'zh' }],
      ['POST', '/api/cases/HH-0000-0000/withdraw', { lang: 'zh' }],
      ['GET', '/api/cases/HH-0000-0000', undefined],
      ['GET', '/api/mediator/queue', undefined],
    ]
    for (const [method, path, body] of routes) {
      const response = await fetch(`${dev.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'accept-language': 'en' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
      expect(response.status, path).toBe(501)
      const { error } = await json(response)
      expect(error.code, path).toBe('cases_elsewhere')
      expect(error.message, path).toContain(body ? '调解' : 'mediators')
      expect(error.message, path).toContain('https://fabao.heihe.example')
    }

    const page = await fetch(`${dev.url}/case`, { redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('https://fabao.heihe.example/case')
  })

  it('limits requests per client address (per isolate) and says when to come back', async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${dev.url}/api/kiosk/status`, { headers: { 'cf-connecting-ip': '203.0.113.7' } })
      statuses.push(response.status)
      if (response.status === 429) retryAfter = response.headers.get('retry-after')
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
    expect(Number(retryAfter)).toBeGreaterThan(0)
  })
})
