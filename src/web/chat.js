// The web chat (/ and the partner widget's /embed). Language: ?lang=, else the one chosen before in this browser
// (localStorage), else Accept-Language (the server's pick); the switcher remembers the choice. Enter sends,
// Shift+Enter makes a new line. The access code and a continued session come only in the URL fragment.
;(function () {
  const { el, render } = window.FabaoAnswer
  const root = document.getElementById('chat-app')
  const ALL = JSON.parse(document.getElementById('strings').textContent)
  const config = JSON.parse(document.getElementById('chat-config').textContent)
  const LANGS = ['zh', 'ru', 'en']
  const STORE_KEY = 'fabao.lang'
  const embedded = config.mode === 'embed'

  const stored = (() => {
    try {
      return localStorage.getItem(STORE_KEY)
    } catch {
      return null
    }
  })()
  const asked = new URLSearchParams(location.search).get('lang')
  let lang = LANGS.includes(asked) ? asked : LANGS.includes(stored) ? stored : root.dataset.lang
  // The answer language follows the reply's language until the person picks one.
  let chosen = LANGS.includes(asked) || LANGS.includes(stored)
  let sessionId = null
  let busy = false
  const S = () => ALL[lang]

  const fragment = new URLSearchParams(location.hash.slice(1))
  if (fragment.get('code')) {
    location.replace(`/case?lang=${lang}#code=${encodeURIComponent(fragment.get('code'))}`)
    return
  }
  if (fragment.get('session') && /^[A-Za-z0-9_-]{1,64}$/.test(fragment.get('session'))) sessionId = fragment.get('session')
  const continued = sessionId !== null
  if (location.hash || asked) history.replaceState(null, '', location.pathname) // nothing secret stays in the address bar

  // The shell; texts are filled by applyLanguage().
  const heading = el('h1', { id: 'chat-heading' })
  const tagline = el('p', { className: 'tagline' })
  const switcher = el('div', { className: 'lang-switch', role: 'group', id: 'lang-switch' })
  const langButtons = LANGS.map((l) => {
    const b = el('button', { type: 'button', className: 'lang-button', lang: l, dataset: { lang: l } }, ALL[l].languageName || '')
    b.addEventListener('click', () => {
      chosen = true
      try {
        localStorage.setItem(STORE_KEY, l)
      } catch {
        /* storage may be off; the choice holds for this page */
      }
      applyLanguage(l)
    })
    switcher.append(b)
    return b
  })
  const intro = el('p', { className: 'intro', id: 'intro' })
  const log = el('ol', { className: 'chat-log', id: 'chat-log', role: 'log', 'aria-live': 'polite' })
  const inputLabel = el('label', { htmlFor: 'question', className: 'visually-hidden' })
  const input = el('textarea', { id: 'question', name: 'question', rows: 3, maxLength: 2000, autocomplete: 'off' })
  const send = el('button', { type: 'submit', id: 'send' })
  const hint = el('p', { className: 'hint', id: 'question-hint' })
  input.setAttribute('aria-describedby', 'question-hint')
  const form = el('form', { id: 'ask', className: 'ask' }, inputLabel, input, el('div', { className: 'ask-row' }, hint, send))
  const mediatorButton = el('button', { type: 'button', id: 'mediator', className: 'mediator-button' })
  const mediatorNote = el('p', { className: 'mediator-note', id: 'mediator-note' })
  const mediatorPanel = el('div', { id: 'mediator-panel', 'aria-live': 'polite' })
  const haveCode = el('a', { id: 'have-code' })
  const privacy = el('a', { id: 'privacy' })
  const disclaimer = el('p', { className: 'disclaimer' })
  if (embedded) {
    haveCode.target = '_blank'
    privacy.target = '_blank'
    haveCode.rel = 'noopener'
    privacy.rel = 'noopener'
  }
  const header = el('header', { className: 'chat-header' }, el('div', {}, heading, tagline), switcher)
  root.replaceChildren(
    header,
    intro,
    continued ? el('p', { className: 'notice', id: 'continued' }) : '',
    log,
    form,
    el('section', { className: 'mediator', 'aria-labelledby': 'mediator' }, mediatorButton, mediatorNote, mediatorPanel),
    el('footer', { className: 'chat-footer' }, haveCode, ' · ', privacy, disclaimer),
  )

  function applyLanguage(l) {
    lang = l
    const s = S()
    document.documentElement.lang = l
    document.title = s.title
    heading.textContent = s.heading
    tagline.textContent = s.tagline
    switcher.setAttribute('aria-label', s.languageLabel)
    for (const b of langButtons) b.setAttribute('aria-pressed', String(b.dataset.lang === l))
    intro.textContent = s.intro
    log.setAttribute('aria-label', s.conversationLabel)
    inputLabel.textContent = s.inputLabel
    input.placeholder = s.placeholder
    send.textContent = s.send
    hint.textContent = s.hint
    mediatorButton.textContent = s.mediator.button
    mediatorNote.textContent = sessionId ? '' : s.mediator.needQuestion
    mediatorButton.disabled = !sessionId
    haveCode.textContent = s.haveCode
    haveCode.href = `/case?lang=${l}`
    privacy.textContent = s.privacy
    privacy.href = `/privacy?lang=${l}`
    disclaimer.textContent = s.disclaimer
    const note = document.getElementById('continued')
    if (note) note.textContent = s.continued
  }
  // The language names never change with the interface language: each in its own script.
  for (const b of langButtons) b.textContent = ALL[b.dataset.lang].languageName
  applyLanguage(lang)

  function bubble(who, content, className) {
    const item = el('li', { className: `msg ${className || who}` }, el('span', { className: 'who' }, who === 'you' ? S().you : S().bot), content)
    log.append(item)
    item.scrollIntoView({ block: 'nearest' })
    return item
  }

  async function ask(text) {
    if (busy) return
    busy = true
    send.disabled = true
    bubble('you', el('p', { className: 'question' }, text))
    const waiting = bubble('bot', el('p', { className: 'thinking' }, S().thinking), 'bot pending')
    try {
      const res = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: text, ...(sessionId ? { sessionId } : {}), ...(chosen ? { lang } : {}) }),
      })
      const reply = await res.json()
      if (!res.ok) throw new Error(reply.error && reply.error.message ? reply.error.message : S().error)
      sessionId = reply.sessionId
      if (!chosen && reply.lang !== lang) applyLanguage(reply.lang)
      else applyLanguage(lang)
      waiting.remove()
      const answer = render(reply, ALL[reply.lang], reply.lang, { dial: true, emergency: config.emergency })
      const item = bubble('bot', answer)
      if (reply.handoff && reply.handoff.suggested && !reply.case) {
        item.append(el('p', { className: 'handoff-suggested' }, ALL[reply.lang].mediator.suggested))
        mediatorButton.classList.add('suggested')
      }
    } catch (e) {
      waiting.remove()
      bubble('bot', el('p', { className: 'error', role: 'alert' }, e instanceof Error && e.message ? e.message : S().error), 'bot error')
    } finally {
      busy = false
      send.disabled = false
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const text = input.value.trim()
    if (!text || busy) return
    input.value = ''
    ask(text)
  })
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      form.requestSubmit()
    }
  })

  mediatorButton.addEventListener('click', async () => {
    if (!sessionId) return
    const s = S()
    mediatorButton.disabled = true
    mediatorPanel.replaceChildren(el('p', {}, s.mediator.working))
    try {
      const res = await fetch('/api/handoff', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, lang, channel: 'web' }),
      })
      const data = await res.json()
      if (res.status === 409) {
        mediatorPanel.replaceChildren(el('p', { className: 'notice' }, s.mediator.alreadyOpen, ' ', el('a', { href: `/case?lang=${lang}`, target: embedded ? '_blank' : null, rel: embedded ? 'noopener' : null }, s.mediator.open)))
        return
      }
      if (!res.ok) throw new Error(data.error && data.error.message ? data.error.message : s.error)
      const link = el('a', { href: `/case?lang=${lang}#code=${encodeURIComponent(data.accessCode)}`, id: 'open-case', className: 'button-link' }, s.mediator.open)
      if (embedded) {
        link.target = '_blank'
        link.rel = 'noopener'
      }
      mediatorPanel.replaceChildren(
        el(
          'div',
          { className: 'case-created', role: 'status' },
          el('p', {}, s.mediator.created),
          el('dl', {}, el('dt', {}, s.mediator.caseNumber), el('dd', { id: 'case-number' }, data.caseId), el('dt', {}, s.mediator.accessCode), el('dd', { id: 'access-code', className: 'access-code' }, data.accessCode)),
          el('p', {}, s.mediator.keep),
          link,
        ),
      )
      mediatorButton.hidden = true
    } catch (e) {
      mediatorButton.disabled = false
      mediatorPanel.replaceChildren(el('p', { className: 'error', role: 'alert' }, e instanceof Error && e.message ? e.message : s.error))
    }
  })

  if (!embedded) input.focus()
})()
