// The tourist's case page: the access code comes only from the URL fragment (#code=) or from typing it; it is sent
// in the X-Access-Code header, never in a URL. New messages appear within a second (polling).
(function () {
  const root = document.getElementById('case-app')
  const S = JSON.parse(document.getElementById('strings').textContent)
  const lang = root.dataset.lang
  const el = (tag, props, ...children) => {
    const node = Object.assign(document.createElement(tag), props || {})
    for (const child of children) node.append(child)
    return node
  }
  const fill = (text, values) => text.replace(/\{\{(\w+)\}\}/g, (_, k) => values[k] ?? '')
  let code = new URLSearchParams(location.hash.slice(1)).get('code') || ''
  let caseId = null
  let timer = null
  let shown = -1

  function showCodeForm(message) {
    root.replaceChildren()
    const input = el('input', { id: 'code', inputMode: 'numeric', autocomplete: 'off', placeholder: '1234-5678-9012-3' })
    const form = el('form', {}, el('label', { htmlFor: 'code' }, S.case.enterCode), input, el('button', { type: 'submit' }, S.case.open))
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      code = input.value
      open()
    })
    root.append(el('h1', {}, S.case.title), form)
    if (message) root.append(el('p', { className: 'error', role: 'alert' }, message))
  }

  async function open() {
    const res = await fetch('/api/cases/open', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessCode: code }) })
    if (!res.ok) return showCodeForm(S.case.notFound)
    caseId = (await res.json()).caseId
    history.replaceState(null, '', location.pathname + location.search) // the code leaves the address bar
    render()
    poll()
  }

  const list = el('ul', { className: 'msgs', id: 'messages' })
  const status = el('p', { id: 'status' })
  const replyBy = el('p', { id: 'reply-by' })

  function render() {
    const text = el('textarea', { id: 'message', placeholder: S.case.placeholder })
    const form = el('form', { id: 'send' }, text, el('button', { type: 'submit' }, S.case.send))
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      if (!text.value.trim()) return
      const res = await fetch(`/api/cases/${encodeURIComponent(caseId)}/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-access-code': code }, body: JSON.stringify({ text: text.value }),
      })
      if (res.ok) { text.value = ''; refresh() }
    })
    text.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit() } })
    const withdraw = el('button', { className: 'secondary', type: 'button' }, S.case.withdraw)
    withdraw.addEventListener('click', async () => {
      if (!confirm(S.case.withdrawConfirm)) return
      await fetch(`/api/cases/${encodeURIComponent(caseId)}/withdraw`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-access-code': code }, body: JSON.stringify({ eraseContact: true }) })
      refresh()
    })
    root.replaceChildren(
      el('h1', {}, S.case.title),
      el('p', {}, `${S.case.caseNumber}: `, el('strong', { id: 'case-id' }, caseId)),
      status, replyBy, list, form, withdraw,
      el('p', {}, S.case.keepCode, ' ', el('a', { href: `/privacy?lang=${lang}` }, S.case.privacy)),
    )
  }

  async function refresh() {
    const res = await fetch(`/api/cases/${encodeURIComponent(caseId)}`, { headers: { 'x-access-code': code } })
    if (!res.ok) return
    const data = await res.json()
    status.textContent = `${S.case.status}: ${S.status[data.status] || data.status}`
    replyBy.textContent = data.replyBy
      ? fill(S.case.replyBy, { time: new Date(data.replyBy).toLocaleString(lang, { timeZone: 'Asia/Shanghai', weekday: 'short', hour: '2-digit', minute: '2-digit' }) })
      : ''
    for (const m of data.messages.slice(shown + 1)) {
      list.append(el('li', { className: m.from }, el('span', { className: 'who' }, S.case.from[m.from] || m.from), m.text))
    }
    shown = data.messages.length - 1
  }

  function poll() {
    clearInterval(timer)
    refresh()
    timer = setInterval(refresh, 1000)
  }

  if (code) open()
  else showCodeForm()
})()
