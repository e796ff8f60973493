// The touch-screen kiosk (/kiosk): language first, then topic tiles that reach an answer without typing, follow-up
// chips, the emergency numbers full-screen, a mediator and a QR code to continue on the phone when the central
// server is reachable. Nothing is stored: after FABAO_KIOSK_IDLE_SECONDS without a touch (a countdown shows at the
// end) the screen, storage, cookies and the session are cleared and the page replaces itself, so Back shows nothing.
;(function () {
  const { el, render, fill } = window.FabaoAnswer
  const root = document.getElementById('kiosk-app')
  const ALL = JSON.parse(document.getElementById('strings').textContent)
  const config = JSON.parse(document.getElementById('kiosk-config').textContent)
  const LANGS = ['zh', 'ru', 'en']
  const TILES = ['forcedShopping', 'fakeGoods', 'refund', 'price', 'hotel', 'lostPassport', 'visaFree']

  let lang = null
  let sessionId = null
  let online = false
  let screen = 'language'
  let busy = false
  let lastActivity = Date.now()
  const K = () => ALL.kiosk[lang]
  const C = () => ALL.chat[lang]

  // ----- clearing everything -------------------------------------------------------------------------------------
  function reset() {
    root.replaceChildren()
    for (const node of document.querySelectorAll('.overlay, .merchant-card')) node.remove()
    try {
      sessionStorage.clear()
    } catch {
      /* not available */
    }
    try {
      localStorage.clear()
    } catch {
      /* not available */
    }
    for (const cookie of document.cookie.split(';')) {
      const name = cookie.split('=')[0].trim()
      if (!name) continue
      for (const path of ['/', location.pathname]) document.cookie = `${name}=; Max-Age=0; path=${path}`
    }
    // A replaced entry leaves no history: Back cannot bring the previous person's screen back.
    location.replace('/kiosk')
  }

  // ----- idle reset with a visible countdown ---------------------------------------------------------------------
  let idleOverlay = null
  const activity = () => {
    lastActivity = Date.now()
    if (idleOverlay) {
      idleOverlay.remove()
      idleOverlay = null
    }
  }
  for (const type of ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input']) document.addEventListener(type, activity, { capture: true, passive: true })
  setInterval(() => {
    if (screen === 'language' && !lang) return // nothing to clear yet
    const remaining = config.idleSeconds * 1000 - (Date.now() - lastActivity)
    if (remaining <= 0) return reset()
    if (remaining <= config.countdownSeconds * 1000) {
      const seconds = Math.ceil(remaining / 1000)
      if (!idleOverlay) {
        const stay = el('button', { type: 'button', className: 'big-button' }, K().idle.stay)
        stay.addEventListener('click', activity)
        idleOverlay = el(
          'div',
          { className: 'overlay idle', id: 'idle-overlay', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'idle-title', 'aria-describedby': 'idle-countdown' },
          el('h2', { id: 'idle-title' }, K().idle.title),
          el('p', { id: 'idle-countdown', className: 'countdown', 'aria-live': 'assertive' }),
          stay,
        )
        document.body.append(idleOverlay)
        stay.focus()
      }
      idleOverlay.querySelector('#idle-countdown').textContent = fill(K().idle.countdown, { seconds })
    }
  }, 200)

  // ----- screens --------------------------------------------------------------------------------------------------
  function show(name, ...children) {
    screen = name
    root.replaceChildren(...children)
    const heading = root.querySelector('h1, h2')
    if (heading) {
      heading.tabIndex = -1
      heading.focus({ preventScroll: true })
    }
    window.scrollTo(0, 0)
  }

  function topBar(...buttons) {
    return el('nav', { className: 'kiosk-bar' }, ...buttons)
  }
  function barButton(label, onClick, id) {
    const b = el('button', { type: 'button', className: 'bar-button', id }, label)
    b.addEventListener('click', onClick)
    return b
  }

  function languageScreen() {
    document.documentElement.lang = 'zh'
    show(
      'language',
      el('h1', { className: 'choose-language' }, LANGS.map((l) => el('span', { lang: l }, ALL.kiosk[l].chooseLanguage))),
      el(
        'div',
        { className: 'language-choices' },
        LANGS.map((l) => {
          const b = el('button', { type: 'button', className: 'language-choice', lang: l, dataset: { lang: l } }, ALL.chat[l].languageName)
          b.addEventListener('click', () => chooseLanguage(l))
          return b
        }),
      ),
    )
  }

  async function chooseLanguage(l) {
    lang = l
    document.documentElement.lang = l
    document.title = K().title
    topicsScreen()
    try {
      const res = await fetch('/api/kiosk/status', { cache: 'no-store' })
      online = res.ok && (await res.json()).online === true
    } catch {
      online = false
    }
    if (screen === 'topics') topicsScreen()
  }

  function topicsScreen() {
    const tiles = TILES.map((id) => {
      const tile = K().tiles[id]
      const b = el('button', { type: 'button', className: 'tile', id: `tile-${id}`, dataset: { tile: id } }, tile.label)
      b.addEventListener('click', () => ask(id, tile.question))
      return b
    })
    const emergency = el('button', { type: 'button', className: 'tile tile-emergency', id: 'tile-emergency' }, K().emergencyTile)
    emergency.addEventListener('click', () => emergencyScreen(emergency))
    show(
      'topics',
      topBar(barButton(K().changeLanguage, () => reset(), 'change-language')),
      el('h1', {}, K().topicsHeading),
      el('div', { className: 'tiles', role: 'group', 'aria-label': K().tilesLabel }, [emergency, ...tiles]),
      el('p', { className: 'kiosk-privacy' }, K().privacy),
    )
  }

  async function ask(tileId, question) {
    if (busy) return
    busy = true
    const answerBox = el('div', { className: 'kiosk-answer', id: 'kiosk-answer', 'aria-live': 'polite' }, el('p', { className: 'thinking' }, K().loading))
    show(
      'answer',
      topBar(barButton(K().back, topicsScreen, 'back-to-topics'), barButton(K().home, () => reset(), 'start-over')),
      el('h2', { className: 'asked' }, question),
      answerBox,
    )
    try {
      const res = await fetch('/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: question, lang, ...(sessionId ? { sessionId } : {}) }),
        cache: 'no-store',
      })
      const reply = await res.json()
      if (!res.ok) throw new Error(reply.error && reply.error.message ? reply.error.message : K().error)
      sessionId = reply.sessionId
      answerBox.replaceChildren(render(reply, C(), lang, { dial: false, emergency: config.emergency }))
      root.append(followUps(tileId), actions())
    } catch (e) {
      answerBox.replaceChildren(el('p', { className: 'error', role: 'alert' }, e instanceof Error && e.message ? e.message : K().error))
    } finally {
      busy = false
    }
  }

  function followUps(tileId) {
    const chips = K().tiles[tileId].followUps.map((f) => {
      const b = el('button', { type: 'button', className: 'chip' }, f.label)
      b.addEventListener('click', () => ask(tileId, f.question))
      return b
    })
    const other = el('button', { type: 'button', className: 'chip chip-other' }, K().back)
    other.addEventListener('click', topicsScreen)
    return el('section', { className: 'follow-ups', 'aria-labelledby': 'follow-ups-heading' }, el('h3', { id: 'follow-ups-heading' }, K().followUps), el('div', { className: 'chips' }, chips, other))
  }

  function inPersonList() {
    if (!config.inPerson.length) return el('p', { className: 'in-person-none' }, K().offline.none)
    return el(
      'ul',
      { className: 'in-person' },
      config.inPerson.map((c) =>
        el(
          'li',
          {},
          el('strong', {}, c.name[lang]),
          ' ',
          el('span', { className: 'phone' }, c.phone),
          c.address ? el('div', {}, c.address[lang]) : null,
          c.hours ? el('div', {}, c.hours[lang]) : null,
          el('div', { className: 'purpose' }, c.purpose[lang]),
        ),
      ),
    )
  }

  function actions() {
    if (!online) {
      return el('section', { className: 'offline', id: 'offline' }, el('h3', {}, K().offline.title), el('p', {}, K().offline.text), inPersonList())
    }
    const mediator = el('button', { type: 'button', className: 'big-button', id: 'kiosk-mediator' }, C().mediator.button)
    const phone = el('button', { type: 'button', className: 'big-button secondary', id: 'continue-on-phone' }, K().qr.button)
    const panel = el('div', { id: 'kiosk-case', 'aria-live': 'polite' })
    mediator.addEventListener('click', () => handoff(mediator, panel))
    phone.addEventListener('click', () => qrOverlay({ sessionId, lang }, phone))
    return el('section', { className: 'kiosk-actions' }, el('div', { className: 'action-row' }, mediator, phone), panel)
  }

  async function handoff(button, panel) {
    button.disabled = true
    panel.replaceChildren(el('p', {}, C().mediator.working))
    try {
      const res = await fetch('/api/handoff', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, lang, channel: 'kiosk' }),
      })
      const data = await res.json()
      if (res.status === 409) return panel.replaceChildren(el('p', {}, C().mediator.alreadyOpen))
      if (!res.ok) throw new Error(data.error && data.error.message ? data.error.message : K().error)
      const phone = el('button', { type: 'button', className: 'big-button', id: 'case-on-phone' }, K().qr.button)
      phone.addEventListener('click', () => qrOverlay({ accessCode: data.accessCode, lang }, phone))
      panel.replaceChildren(
        el(
          'div',
          { className: 'case-created', role: 'status' },
          el('p', {}, C().mediator.created),
          el('dl', {}, el('dt', {}, C().mediator.caseNumber), el('dd', { id: 'case-number' }, data.caseId), el('dt', {}, C().mediator.accessCode), el('dd', { id: 'access-code', className: 'access-code' }, data.accessCode)),
          el('p', {}, C().mediator.keep),
          phone,
        ),
      )
      button.hidden = true
    } catch (e) {
      button.disabled = false
      panel.replaceChildren(el('p', { className: 'error', role: 'alert' }, e instanceof Error && e.message ? e.message : K().error))
    }
  }

  function overlay(id, labelId, children, opener) {
    const close = el('button', { type: 'button', className: 'big-button overlay-close' }, K().emergency.close)
    const node = el('div', { className: 'overlay', id, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': labelId }, children, close)
    const shut = () => {
      node.remove()
      document.removeEventListener('keydown', onKey)
      if (opener && opener.isConnected) opener.focus()
    }
    const onKey = (e) => {
      if (e.key === 'Escape') shut()
    }
    close.addEventListener('click', shut)
    document.addEventListener('keydown', onKey)
    document.body.append(node)
    close.focus()
    return node
  }

  async function qrOverlay(target, opener) {
    try {
      const res = await fetch('/api/kiosk/qr', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(target), cache: 'no-store' })
      if (!res.ok) throw new Error(K().error)
      const { svg } = await res.json()
      overlay(
        'qr-overlay',
        'qr-title',
        [
          el('h2', { id: 'qr-title' }, K().qr.title),
          el('img', { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: K().qr.alt, className: 'qr', id: 'qr-image' }),
          el('p', {}, K().qr.caption),
        ],
        opener,
      )
    } catch {
      opener.after(el('p', { className: 'error', role: 'alert' }, K().error))
    }
  }

  function emergencyScreen(opener) {
    const staffed = config.inPerson.filter((c) => ['police-station', 'hospital', 'public-legal-service-centre', 'tourism-office', 'mediation-room'].includes(c.kind))
    overlay(
      'emergency',
      'emergency-title',
      [
        el('h2', { id: 'emergency-title' }, K().emergency.title),
        el(
          'ul',
          { className: 'emergency-numbers' },
          config.emergency.map((c) => el('li', {}, el('span', { className: 'number' }, c.phone), el('span', { className: 'service' }, c.name[lang]))),
        ),
        el('p', { className: 'cannot-dial' }, K().emergency.cannotDial),
        staffed.length
          ? el(
              'section',
              { className: 'staffed' },
              el('h3', {}, K().emergency.nearest),
              el('ul', {}, staffed.map((c) => el('li', {}, el('strong', {}, c.name[lang]), ' ', el('span', { className: 'phone' }, c.phone), c.address ? el('div', {}, c.address[lang]) : null, c.hours ? el('div', {}, c.hours[lang]) : null))),
            )
          : null,
      ],
      opener,
    ).classList.add('emergency-overlay')
  }

  languageScreen()
})()
