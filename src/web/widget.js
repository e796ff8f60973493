// The partner widget: one tag on a partner's page (tourism bureau, hotel) inserts the Fabao chat as an iframe of
// /embed from Fabao's own origin, so the chat's API calls stay same-origin (no CORS). The partner's origin must be
// listed in FABAO_EMBED_ORIGINS, or the browser refuses to show the frame.
//   <script src="https://fabao.example/assets/widget.js" data-lang="ru" data-height="640" data-target="#help" async></script>
// data-lang (zh | ru | en, default: the visitor's browser language), data-height (pixels, default 600),
// data-target (a CSS selector to put the frame in; default: right after the script tag), data-title (frame label).
;(function () {
  const script = document.currentScript
  if (!script || !script.src) return
  const origin = new URL(script.src, location.href).origin
  const lang = ['zh', 'ru', 'en'].includes(script.dataset.lang) ? script.dataset.lang : null
  const height = /^\d{2,4}$/.test(script.dataset.height || '') ? Number(script.dataset.height) : 600
  const frame = document.createElement('iframe')
  frame.src = `${origin}/embed${lang ? `?lang=${lang}` : ''}`
  frame.title = script.dataset.title || 'Fabao'
  frame.className = 'fabao-widget'
  frame.referrerPolicy = 'no-referrer'
  frame.style.cssText = `display:block;width:100%;max-width:560px;height:${height}px;border:1px solid #c4c7c5;border-radius:12px;background:#fff`
  const target = script.dataset.target ? document.querySelector(script.dataset.target) : null
  if (target) target.append(frame)
  else script.after(frame)
})()
