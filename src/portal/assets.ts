import { createHash } from 'node:crypto';
import type { Router } from 'express';

/*
 * The portal's one stylesheet and one script, served from its own origin, so its CSP allows
 * `'self'` and nothing inline. Kept as strings here, so the build (tsc alone) ships them.
 */

const STYLE = `
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center}
header a,header button{color:#fff}
header .tenant{font-weight:600;margin-right:auto}
header form{margin:0}
header button{background:none;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem;font:inherit;cursor:pointer}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#0b57d0}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f3a712;outline-offset:2px}
label{display:block;font-weight:600;margin-top:.8rem}
.hint{font-weight:normal;color:#555;font-size:.9rem}
input[type=text],input[type=url],input[type=datetime-local],select,textarea{display:block;width:100%;max-width:36rem;font:inherit;padding:.4rem;border:1px solid #888;border-radius:4px;background:#fff}
fieldset{border:1px solid #ccc;border-radius:4px;margin:.8rem 0;padding:.5rem .8rem;max-width:40rem}
fieldset label{display:flex;gap:.5rem;align-items:baseline;font-weight:normal;margin:.3rem 0}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #1f3a5f;background:#1f3a5f;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:#1f3a5f}
button.danger{background:#a1161b;border-color:#a1161b}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
.actions form{margin:0}
.error{color:#a1161b;font-weight:600;display:block}
.notice{background:#e8f1e4;border:1px solid #6a9c5a;padding:.6rem .8rem;border-radius:4px}
.warning{background:#fff4e0;border:1px solid #d08a00;padding:.6rem .8rem;border-radius:4px}
.table{width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.wrap,.wrap{overflow-wrap:anywhere}
pre{background:#f0f0f0;padding:.6rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;max-width:100%}
code{overflow-wrap:anywhere}
.secret{font-family:monospace;background:#fff;border:1px dashed #1f3a5f;padding:.4rem;overflow-wrap:anywhere}
.status-delivered{color:#246b2a}.status-dead_lettered,.status-failed,.status-rejected{color:#a1161b}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters label{margin-top:.4rem}
@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}main{padding:.6rem}}
`;

/**
 * Copy buttons; a notice while a long form (a replay step, a send-test) is on its way; and a replay
 * page's form for the next step sent at once, so the progress bar moves by itself.
 */
const SCRIPT = `'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var next = document.querySelector('form[data-autosubmit]');
  if (next) next.requestSubmit();
});
document.addEventListener('click', function (event) {
  var button = event.target.closest('button[data-copy]');
  if (!button) return;
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent).then(function () {
    button.textContent = 'Copied';
  });
});
document.addEventListener('submit', function (event) {
  var form = event.target;
  var message = form.getAttribute('data-busy');
  if (!message) return;
  var status = form.querySelector('[role=status]');
  if (status) status.textContent = message;
  var button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
});
`;

/** A plain mark for the tab, so the browser's own request for an icon finds one. */
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f3a5f"/></svg>';

const version = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
export const STYLE_PATH = `/assets/portal-${version(STYLE)}.css`;
export const SCRIPT_PATH = `/assets/portal-${version(SCRIPT)}.js`;
export const ICON_PATH = `/assets/icon-${version(ICON)}.svg`;

/** Serves each under a name that change with their content, so they may be cached for good. */
export function registerAssets(router: Router): void {
  const serve = (path: string, type: string, body: string) =>
    router.get(path, (_req, res) => {
      res.set({ 'Content-Type': type, 'Cache-Control': 'public, max-age=31536000, immutable' }).send(body);
    });
  serve(STYLE_PATH, 'text/css; charset=utf-8', STYLE);
  serve(SCRIPT_PATH, 'text/javascript; charset=utf-8', SCRIPT);
  serve(ICON_PATH, 'image/svg+xml', ICON);
}
