import { describe, expect, it } from 'vitest'
import { testRuntime } from './support/runtime.js'

const analyzer = () => testRuntime().analyzer

describe('language detection', () => {
  it.each([
    ['Мне продали поддельную шубу', 'ru'],
    ['They sold me a fake fur coat', 'en'],
    ['\u5bfc\u6e38\u5f3a\u8feb\u6211\u4eec\u8d2d\u7269', 'zh'],
    ['Купила шубу в магазине \u9ed1\u6cb3\u76ae\u8349\u57ce, что делать', 'ru'],
    ['\u6211\u5728\u5546\u573a\u4e70\u4e86iPhone\uff0c\u662f\u5047\u7684', 'zh'],
    ['mne prodali shubu, chto delat', 'ru'],
  ])('%s → %s', (text, lang) => expect(analyzer().detectLanguage(text, 'en')).toBe(lang))

  it('falls back when the text has no letters', () => {
    expect(analyzer().detectLanguage('110 !!! 😀', 'ru')).toBe('ru')
  })
})

describe('tokenization', () => {
  it('keeps й and ё as typed in Russian stems, and adds the е-spelling of ё', () => {
    const terms = analyzer().analyze('йогурт ёлка', 'ru')
    expect(terms.some((t) => t.startsWith('й'))).toBe(true)
    expect(terms).toContain('ёлк')
    expect(terms).toContain('елк')
    expect(terms.some((t) => t.startsWith('и'))).toBe(false)
  })

  it('stems Russian and English word forms to the same term', () => {
    const a = analyzer()
    expect(a.analyze('шуба', 'ru')).toEqual(a.analyze('шубу', 'ru'))
    expect(a.analyze('refunds', 'en')).toEqual(a.analyze('refund', 'en'))
  })

  it('gives Chinese words and bigrams, cutting runs at function words', () => {
    const terms = analyzer().analyze('\u5bfc\u6e38\u5f3a\u8feb\u6211\u4eec\u8d2d\u7269', 'zh')
    expect(terms).toContain('\u5bfc\u6e38')
    expect(terms).toContain('\u8d2d\u7269')
    expect(terms).not.toContain('\u4eec\u8d2d')
  })

  it('drops stop words', () => {
    expect(analyzer().analyze('the and of', 'en')).toEqual([])
    expect(analyzer().analyze('и в на', 'ru')).toEqual([])
  })
})
