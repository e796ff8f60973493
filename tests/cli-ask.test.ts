import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src/adapters/node/consultation-runtime.js'
import { postChat, testApp } from './support/runtime.js'

describe('npm run ask', () => {
  it('prints the same answer as the API, then the citations with the Chinese text and the translation', async () => {
    const question = 'Гид заставлял нас покупать в магазине нефрита, не выпускал из магазина'
    const { json } = await postChat(testApp().app, { message: question })
    const output = execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/ask.ts'), question], {
      cwd: REPO_ROOT,
      env: { ...process.env, FABAO_DATA_DIR: mkdtempSync(join(tmpdir(), 'fabao-ask-')) },
      encoding: 'utf8',
    })
    expect(output).toContain(json.answer)
    expect(output).toContain(`confidence: ${json.confidence}`)
    for (const c of json.citations) {
      expect(output).toContain(c.quote)
      if (c.translation) expect(output).toContain(c.translation)
    }
  }, 60_000)
})
