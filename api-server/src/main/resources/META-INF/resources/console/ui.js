// Small pieces every page uses: building elements, formatting, badges, notices and dialogs.

/** h('a', {href: '/'}, 'Home'): an element; attributes starting with "on" are listeners; children may nest. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string' && k !== 'list') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));
}

export function ago(iso) {
  if (!iso) return '—';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  const text = s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : s < 86400 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86400)} d ago`;
  return h('time', { datetime: iso, title: iso }, text);
}

export function duration(fromIso, toIso) {
  if (!fromIso) return '—';
  const ms = (toIso ? new Date(toIso) : new Date()) - new Date(fromIso);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(ms / 3600000)} h ${Math.round((ms % 3600000) / 60000)} min`;
}

export function status(s) {
  return h('span', { class: `status status-${String(s).toLowerCase()}` }, s);
}

export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

/** A badge with a tooltip that shows on hover and on keyboard focus, and that screen readers read. */
export function tipBadge(label, tip, kind = 'error') {
  const id = uid('tip');
  return h('span', { class: 'tip' },
    h('button', { type: 'button', class: `badge badge-${kind}`, 'aria-describedby': id }, label),
    h('span', { role: 'tooltip', id, class: 'tooltip' }, tip));
}

/** What an API failure says: its title and detail, and every field error with where it is. */
export function problem(err) {
  const box = h('div', { class: 'notice notice-error', role: 'alert' },
    h('strong', {}, err.title || 'Error'), err.detail ? ' — ' + err.detail : '');
  const errors = err.errors || [];
  if (errors.length) {
    box.append(h('ul', {}, errors.map(e => h('li', {},
      [e.field || e.path, e.line ? `line ${e.line}${e.column ? ', column ' + e.column : ''}` : null].filter(Boolean).join(' · '),
      e.field || e.path ? ': ' : '', e.message))));
  }
  return box;
}

export function notice(text, kind = 'ok') {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A modal dialog; resolves to what the content calls close() with, or undefined when dismissed. */
export function dialog(title, build) {
  return new Promise(resolve => {
    const titleId = uid('dlg');
    const dlg = h('dialog', { 'aria-labelledby': titleId, class: 'dialog' });
    const close = value => {
      dlg.close();
      dlg.remove();
      resolve(value);
    };
    dlg.append(h('h2', { id: titleId }, title), build(close));
    dlg.addEventListener('cancel', () => close(undefined));
    document.body.append(dlg);
    dlg.showModal();
  });
}

export function confirm(title, text, yes = 'Confirm') {
  return dialog(title, close => h('div', {},
    h('p', {}, text),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'danger', onclick: () => close(true) }, yes),
      h('button', { type: 'button', onclick: () => close(false) }, 'Keep it'))));
}

/** A button that is disabled and says busyText while its action runs, and shows the outcome in `out`. */
export function actionButton(label, busyText, run, out, attrs = {}) {
  const button = h('button', { type: 'button', ...attrs }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = busyText;
    replace(out);
    try {
      const message = await run();
      if (message) replace(out, notice(message));
    } catch (err) {
      if (err && err.name === 'SignedOut') throw err;
      replace(out, problem(err));
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  return button;
}

export function table(headers, rows, caption) {
  return h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
}

export function field(label, control, help, errorId) {
  const id = control.id || uid('f');
  control.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    help ? h('small', { class: 'help' }, help) : null,
    h('div', { class: 'field-error', id: errorId || id + '-error', 'aria-live': 'polite' }));
}
