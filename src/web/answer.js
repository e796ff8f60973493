// One chat reply rendered as the web chat and the kiosk show it: the guidance card (steps, evidence, time limits,
// whom to contact), the laws cited (each collapsible: Chinese original, our unofficial translation labelled as such,
// law title and article) and the "show this to the merchant" card full-screen. Text only ever goes in as text.
;(function () {
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag)
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue
      if (key === 'dataset') Object.assign(node.dataset, value)
      else if (key in node && key !== 'lang' && key !== 'role') node[key] = value
      else node.setAttribute(key, value === true ? '' : String(value))
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child)
    return node
  }
  const fill = (text, values) => String(text).replace(/\{\{(\w+)\}\}/g, (_, k) => (values[k] ?? ''))

  function list(heading, items, ordered) {
    if (!items || !items.length) return null
    return el('section', { className: 'guidance-part' }, el('h4', {}, heading), el(ordered ? 'ol' : 'ul', {}, items.map((x) => el('li', {}, x))))
  }

  function contacts(S, items, dial) {
    if (!items || !items.length) return null
    return el(
      'section',
      { className: 'guidance-part contacts' },
      el('h4', {}, S.guidance.contacts),
      el(
        'ul',
        {},
        items.map((c) =>
          el(
            'li',
            {},
            el('strong', {}, c.name),
            ' ',
            dial ? el('a', { href: `tel:${c.phone.replace(/[^0-9+]/g, '')}`, className: 'phone' }, c.phone) : el('span', { className: 'phone' }, c.phone),
            el('div', { className: 'purpose' }, c.purpose),
            c.address ? el('div', {}, `${S.guidance.address}: ${c.address}`) : null,
            c.hours ? el('div', {}, `${S.guidance.hours}: ${c.hours}`) : null,
          ),
        ),
      ),
    )
  }

  function citation(S, lang, c) {
    return el(
      'details',
      { className: 'citation' },
      el('summary', {}, fill(S.citations.article, { title: c.title, article: c.article })),
      el('p', { className: 'label' }, S.citations.original),
      el('blockquote', { lang: 'zh', className: 'quote-zh' }, c.quote),
      lang === 'zh'
        ? null
        : c.translation
          ? [el('p', { className: 'label unofficial' }, S.citations.translation), el('blockquote', { lang, className: 'quote-translation' }, c.translation)]
          : el('p', { className: 'label unofficial' }, S.citations.noTranslation),
      c.superseded ? el('p', { className: 'warn' }, S.citations.superseded) : null,
    )
  }

  /** The full-screen merchant card: big Chinese text for the merchant, the tourist's language beside it. */
  function openMerchantCard(S, lang, reply, opener) {
    const close = el('button', { type: 'button', className: 'merchant-close' }, S.merchant.close)
    const headingId = 'merchant-heading'
    const card = el(
      'div',
      { className: 'merchant-card', id: 'merchant-card', role: 'dialog', 'aria-modal': 'true', 'aria-label': S.merchant.dialogLabel },
      el(
        'div',
        { className: 'merchant-columns' },
        el('section', { className: 'merchant-zh', lang: 'zh' }, el('h2', { id: headingId }, S.merchant.heading), el('p', {}, reply.merchantNote)),
        reply.merchantNoteTranslation
          ? el('section', { className: 'merchant-own', lang }, el('h3', {}, S.merchant.yourLanguage), el('p', {}, reply.merchantNoteTranslation))
          : null,
      ),
      close,
    )
    const shut = () => {
      card.remove()
      document.removeEventListener('keydown', onKey)
      if (opener) opener.focus()
    }
    const onKey = (e) => {
      if (e.key === 'Escape') shut()
    }
    close.addEventListener('click', shut)
    document.addEventListener('keydown', onKey)
    document.body.append(card)
    close.focus()
    return card
  }

  /**
   * reply: the /api/chat answer; S: the chat strings in `lang`; options: { dial: tel: links (not on a kiosk),
   * emergency: [{phone, name:{zh,ru,en}}] }.
   */
  function render(reply, S, lang, options) {
    const opts = options || {}
    const g = reply.guidance
    const parts = []
    if (reply.emergency && opts.emergency && opts.emergency.length) {
      parts.push(
        el(
          'div',
          { className: 'emergency-banner', role: 'alert' },
          el('p', {}, S.emergency.banner),
          el('ul', {}, opts.emergency.map((c) => el('li', {}, opts.dial ? el('a', { href: `tel:${c.phone}` }, c.phone) : el('strong', {}, c.phone), ' ', c.name[lang]))),
        ),
      )
    }
    if (g) {
      parts.push(
        el('h3', { className: 'guidance-title' }, g.title),
        el('p', { className: 'guidance-answer' }, g.answer),
        list(S.guidance.steps, g.steps, true),
        list(S.guidance.evidence, g.evidence, false),
        list(S.guidance.deadlines, g.deadlines, false),
        contacts(S, g.contacts, opts.dial),
      )
    } else {
      parts.push(el('p', { className: 'answer-text' }, reply.answer))
    }
    if (reply.merchantNote) {
      const button = el('button', { type: 'button', className: 'merchant-open' }, S.merchant.open)
      button.addEventListener('click', () => openMerchantCard(S, lang, reply, button))
      parts.push(button)
    }
    if (reply.citations && reply.citations.length) {
      parts.push(el('section', { className: 'citations' }, el('h4', {}, S.citations.heading), reply.citations.map((c) => citation(S, lang, c))))
    }
    if (g) parts.push(el('details', { className: 'full-answer' }, el('summary', {}, S.fullAnswer), el('p', { className: 'answer-text' }, reply.answer)))
    return el('div', { className: 'answer', lang }, parts)
  }

  window.FabaoAnswer = { render, el, fill }
})()
