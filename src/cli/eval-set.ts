import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { REPO_ROOT } from '../adapters/node/consultation-runtime.js'

export const EvalItemSchema = z.object({
  id: z.string().min(1),
  split: z.enum(['dev', 'test']),
  kind: z.enum(['retrieval', 'out-of-scope', 'emergency', 'handoff']),
  expected: z.array(z.string().regex(/^[a-z0-9-]+:\d+$/)).max(3),
  questions: z.object({ zh: z.string().min(1), ru: z.string().min(1), en: z.string().min(1) }),
})
export type EvalItem = z.infer<typeof EvalItemSchema>

export const EVAL_DIR = join(REPO_ROOT, 'tests', 'eval')

export function loadEvalSet(): EvalItem[] {
  return readdirSync(EVAL_DIR)
    .filter((f) => f.startsWith('situations-') && f.endsWith('.json'))
    .sort()
    .flatMap((f) => z.object({ items: z.array(EvalItemSchema) }).parse(JSON.parse(readFileSync(join(EVAL_DIR, f), 'utf8'))).items)
}
