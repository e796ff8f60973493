// Mediator console: sign in, a queue ordered by SLA urgency (polled every second, with a badge, a sound and a browser
// notification for new and about-to-breach cases), and a case view to claim, reply, note, transfer and close.
// Every piece of user text is set with textContent: nothing the tourist typed is ever parsed as HTML.
(function () {
  const root = document.getElementById('console')
  const ALL = JSON.parse(document.getElementById('strings').textContent)
  const lang = root.dataset.lang
  const S = ALL[lang].console
  const ST = ALL[lang].status
  const el = (tag, props, ...children) => {
    const node = Object.assign(document.createElement(tag), props || {})
    for (const child of children) if (child !== null && child !== undefined) node.append(child)
    return node
  }
  let csrf = null
  let me = null
  let selected = null
  let known = new Set()
  let warned = new Set()
  let timer = null

  const api = async (path, body) => {
    const res = await fetch(`/api/mediator${path}`, body === undefined
      ? { credentials: 'same-origin' }
      : { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) })
    if (res.status === 401) { showLogin(); throw new Error('signed out') }
    return { ok: res.ok, status: res.status, body: await res.json() }
  }

  function beep() {
    try {
      const ctx = new AudioContext()
      const osc = ctx.createOscillator()
      osc.connect(ctx.destination)
      osc.frequency.value = 880
      osc.start()
      osc.stop(ctx.currentTime + 0.15)
    } catch { /* no audio */ }
  }
  function alertMediator(text) {
    beep()
    if ('Notification' in window && Notification.permission === 'granted') new Notification(S.title, { body: text })
  }

  function showLogin(message) {
    clearInterval(timer)
    const login = el('input', { id: 'login', autocomplete: 'username' })
    const password = el('input', { id: 'password', type: 'password', autocomplete: 'current-password' })
    const form = el('form', { id: 'login-form' },
      el('h1', {}, S.title),
      el('p', {}, el('label', { htmlFor: 'login' }, S.login), el('br'), login),
      el('p', {}, el('label', { htmlFor: 'password' }, S.password), el('br'), password),
      el('button', { type: 'submit' }, S.signIn),
      message ? el('p', { className: 'error', role: 'alert' }, message) : null)
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      const res = await fetch('/api/mediator/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: login.value, password: password.value }) })
      if (!res.ok) return showLogin(S.badLogin)
      const data = await res.json()
      start(data)
    })
    root.replaceChildren(form)
  }

  const queueList = el('ul', { className: 'queue', id: 'queue' })
  const detail = el('section', { id: 'case' })
  const heading = el('h2', {}, S.queue)

  function start(data) {
    csrf = data.csrfToken
    me = data.mediator
    if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {})
    const signOut = el('button', { className: 'secondary', type: 'button' }, S.signOut)
    signOut.addEventListener('click', async () => { await api('/logout', {}); showLogin() })
    const report = me.role === 'supervisor' ? el('button', { className: 'secondary', type: 'button', id: 'report-button' }, S.report) : null
    if (report) report.addEventListener('click', showReport)
    root.replaceChildren(
      el('header', {}, el('strong', {}, `${S.title} — ${me.name}`), ' ', signOut, ' ', report),
      el('div', { className: 'grid' }, el('div', {}, heading, queueList), detail))
    refresh()
    clearInterval(timer)
    timer = setInterval(refresh, 1000)
  }

  async function refresh() {
    const { body } = await api('/queue')
    const fresh = body.cases.filter((c) => !known.has(c.caseId))
    if (known.size > 0 && fresh.length > 0) alertMediator(S.newCase)
    for (const c of body.cases) {
      if ((c.sla && (c.sla.dueSoon || c.sla.overdue)) && !warned.has(c.caseId + c.sla.clock)) {
        warned.add(c.caseId + c.sla.clock)
        if (known.size > 0) alertMediator(`${c.caseId}: ${S.clock[c.sla.clock]} ${c.sla.overdue ? S.overdue : S.dueSoon}`)
      }
    }
    known = new Set(body.cases.map((c) => c.caseId))
    const waiting = body.cases.filter((c) => c.status === 'new' || (c.mine && c.awaitingReply)).length
    document.title = waiting ? `(${waiting}) ${S.title}` : S.title
    heading.textContent = `${S.queue} (${body.cases.length})`
    queueList.replaceChildren(...(body.cases.length ? body.cases.map(queueItem) : [el('li', {}, S.noCases)]))
    if (selected) showCase(selected, true)
  }

  function queueItem(c) {
    const due = c.sla ? `${S.clock[c.sla.clock]} ${S.due} ${new Date(c.sla.due).toLocaleString(lang, { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' })}` : ''
    const li = el('li', { className: c.sla && c.sla.overdue ? 'overdue' : c.sla && c.sla.dueSoon ? 'soon' : '', tabIndex: 0 },
      el('strong', {}, c.caseId), ' ',
      el('span', { className: 'tag' }, c.lang), el('span', { className: 'tag' }, ST[c.status] || c.status),
      c.mine ? el('span', { className: 'tag' }, S.mine) : null,
      c.sla && c.sla.overdue ? el('span', { className: 'tag warn' }, S.overdue) : null,
      c.languageMismatch ? el('span', { className: 'tag warn' }, S.mismatch) : null,
      el('br'), el('small', {}, due, c.assignee ? ` · ${c.assignee.name}` : ''))
    li.dataset.caseId = c.caseId
    li.addEventListener('click', () => showCase(c.caseId))
    return li
  }

  let rendered = null
  async function showCase(caseId, quiet) {
    selected = caseId
    const res = await api(`/cases/${encodeURIComponent(caseId)}`)
    if (!res.ok) { detail.replaceChildren(el('p', { className: 'error' }, res.body.error.message)); return }
    const data = res.body
    const signature = JSON.stringify([data.case.status, data.case.assignee, data.messages.length, data.notes && data.notes.length, data.messages.filter((m) => m.delivered === false).length])
    if (quiet && signature === rendered) return
    rendered = signature
    const k = data.case
    const messages = el('ul', { className: 'msgs', id: 'case-messages' },
      ...data.messages.map((m) => el('li', { className: m.from }, el('span', { className: 'who' }, m.from === 'mediator' ? m.mediator : (ALL[k.lang].case.from[m.from] || m.from)), m.text,
        m.delivered === false ? el('small', { className: 'tag warn not-delivered' }, S.notDelivered) : null)))
    const actions = el('div', { id: 'actions' })
    const act = (label, body) => {
      const b = el('button', { type: 'button' }, label)
      b.addEventListener('click', async () => { await api(`/cases/${encodeURIComponent(k.caseId)}/transition`, body); rendered = null; refresh() })
      return b
    }
    if (k.status === 'new') actions.append(act(S.claim, { action: 'claim' }))
    if (data.canAct) {
      actions.append(act(S.handBack, { action: 'hand-back' }))
      if (k.status === 'claimed') actions.append(act(S.startMediation, { action: 'start-mediation' }))
    }
    const parts = [el('h2', {}, k.caseId, ' ', el('span', { className: 'tag' }, ST[k.status] || k.status)),
      data.languageMismatch ? el('p', { className: 'warn' }, S.mismatch) : null,
      k.party ? el('p', {}, `${S.party}: `, [k.party.name, k.party.address, k.party.phone, k.party.licence].filter(Boolean).join(', ')) : null,
      k.amount !== null ? el('p', {}, `${S.amount}: ${k.amount}`) : null,
      data.contact ? el('p', {}, `${S.contact}: `, Object.values(data.contact.details).filter(Boolean).join(', ')) : null,
      el('h3', {}, S.conversation), messages, actions]
    if (data.canAct) parts.push(replyForm(k), transferForm(k), closeForms(k), notesView(k, data.notes),
      el('p', {}, el('a', { href: `/mediator/cases/${encodeURIComponent(k.caseId)}/agreement`, target: '_blank' }, S.agreement), ' · ',
        el('a', { href: `/api/mediator/cases/${encodeURIComponent(k.caseId)}/export` }, S.export)))
    detail.replaceChildren(...parts.filter(Boolean))
  }

  // Supervisors: the monthly report (cases by language, channel, topic, outcome; SLA met/missed; "nothing relevant").
  async function showReport() {
    selected = null
    const month = el('input', { id: 'report-month', type: 'month', value: new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 7) }) // Beijing month
    const out = el('div', { id: 'report' })
    const load = async () => {
      const { ok, body } = await api(`/report?month=${encodeURIComponent(month.value)}`)
      if (!ok) return out.replaceChildren(el('p', { className: 'error' }, body.error.message))
      const table = (title, rows) => el('table', {}, el('caption', {}, title), ...Object.entries(rows).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v)))))
      out.replaceChildren(el('p', {}, `${body.month}: ${body.cases}`), table('lang', body.byLang), table('channel', body.byChannel), table('topic', body.byTopic), table('status', body.byOutcome), table('SLA', body.sla), table('nothing relevant', body.nothingRelevant))
    }
    month.addEventListener('change', load)
    detail.replaceChildren(el('h2', {}, S.report), month, out)
    load()
  }

  function replyForm(k) {
    const text = el('textarea', { id: 'reply' })
    const phrases = el('select', { id: 'quick-replies' }, el('option', { value: '' }, S.quickReplies))
    api('/phrases').then(({ body }) => { for (const p of body.phrases) phrases.append(el('option', { value: p[k.lang] }, p[lang === k.lang ? lang : 'zh'] + ' → ' + p[k.lang])) })
    phrases.addEventListener('change', () => { if (phrases.value) text.value = phrases.value })
    const form = el('form', { id: 'reply-form' }, el('h3', {}, S.reply), el('p', {}, el('small', {}, S.noMachineTranslation)), phrases, text, el('button', { type: 'submit' }, S.send))
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      if (!text.value.trim()) return
      const res = await api(`/cases/${encodeURIComponent(k.caseId)}/messages`, { text: text.value })
      if (res.ok) { text.value = ''; rendered = null; showCase(k.caseId) }
    })
    return form
  }

  function transferForm(k) {
    const select = el('select', { id: 'transfer-to' })
    api('/mediators').then(({ body }) => { for (const m of body.mediators) if (m.id !== me.id) select.append(el('option', { value: m.id }, `${m.name} (${m.languages.join(',')})`)) })
    const form = el('form', {}, select, el('button', { type: 'submit', className: 'secondary' }, S.transfer))
    form.addEventListener('submit', async (e) => { e.preventDefault(); if (select.value) { await api(`/cases/${encodeURIComponent(k.caseId)}/transfer`, { to: select.value }); rendered = null; refresh() } })
    return form
  }

  function closeForms(k) {
    const summary = el('textarea', { id: 'outcome' })
    const amount = el('input', { id: 'amount-agreed', type: 'number', min: 0 })
    const resolve = el('form', { id: 'resolve-form' }, el('label', { htmlFor: 'outcome' }, S.outcome), summary, el('label', { htmlFor: 'amount-agreed' }, S.amountAgreed), amount, el('button', { type: 'submit' }, S.resolve))
    resolve.addEventListener('submit', async (e) => {
      e.preventDefault()
      if (!summary.value.trim()) return
      await api(`/cases/${encodeURIComponent(k.caseId)}/transition`, { action: 'resolve', outcome: { summary: summary.value, amountAgreed: amount.value === '' ? null : Number(amount.value) } })
      rendered = null; refresh()
    })
    const to = el('select', { id: 'refer-to' }, ...Object.entries(S.referral).map(([v, label]) => el('option', { value: v }, label)))
    const note = el('input', { id: 'refer-note', placeholder: S.referralNote })
    const refer = el('form', {}, el('label', { htmlFor: 'refer-to' }, S.refer), to, note, el('button', { type: 'submit', className: 'secondary' }, S.refer))
    refer.addEventListener('submit', async (e) => { e.preventDefault(); await api(`/cases/${encodeURIComponent(k.caseId)}/transition`, { action: 'refer', referral: { to: to.value, note: note.value } }); rendered = null; refresh() })
    return el('div', {}, resolve, refer)
  }

  function notesView(k, notes) {
    const text = el('textarea', { id: 'note' })
    const form = el('form', {}, text, el('button', { type: 'submit', className: 'secondary' }, S.addNote))
    form.addEventListener('submit', async (e) => { e.preventDefault(); if (text.value.trim()) { await api(`/cases/${encodeURIComponent(k.caseId)}/notes`, { text: text.value }); rendered = null; showCase(k.caseId) } })
    return el('div', { id: 'notes' }, el('h3', {}, S.notes), el('ul', {}, ...(notes || []).map((n) => el('li', {}, `${n.mediator}: `, n.text))), form)
  }

  fetch('/api/mediator/me', { credentials: 'same-origin' }).then(async (res) => (res.ok ? start(await res.json()) : showLogin()))
})()
