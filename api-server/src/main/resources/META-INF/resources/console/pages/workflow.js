// One workflow: its YAML with line numbers and load errors marked on their lines, its versions,
// and a Launch form made from its input schema.
import { api, session } from '../api.js';
import { h, replace, time, table, problem, field, uid } from '../ui.js';

export async function render(main, ctx) {
  const ref = ctx.params[0];
  const [wf, versions] = await Promise.all([
    api('GET', `/workflows/${encodeURIComponent(ref)}`),
    api('GET', `/workflows/${encodeURIComponent(ref)}/versions`),
  ]);
  const errors = Array.isArray(wf.loadErrors) ? wf.loadErrors : [];
  const launchable = wf.status !== 'ARCHIVED' && wf.currentVersion;
  replace(main,
    h('p', { class: 'crumbs' }, h('a', { href: '/workflows' }, 'Workflows'), ' / ', h('a', { href: `/workflows?pack=${encodeURIComponent(wf.pack)}` }, wf.pack)),
    h('h1', {}, wf.name || wf.ref, ' ', h('code', { class: 'ref' }, wf.ref)),
    wf.description ? h('p', {}, wf.description) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `status status-${wf.status.toLowerCase()}` }, wf.status)),
      h('dt', {}, 'Current version'), h('dd', {}, wf.currentVersion ? `v${wf.currentVersion.seq} (${wf.currentVersion.hash.slice(0, 12)})` : 'none loadable'),
      h('dt', {}, 'Source'), h('dd', {}, wf.source === 'FILE' ? (wf.fileExists ? 'pack file' : 'pack file (gone)') : 'API'),
      h('dt', {}, 'Tags'), h('dd', {}, (wf.tags || []).length ? wf.tags.map(t => h('span', { class: 'tag' }, t)) : '—'),
      h('dt', {}, 'Updated'), h('dd', {}, time(wf.updatedAt)),
      h('dt', {}, 'Runs'), h('dd', {}, h('a', { href: `/runs?workflow=${encodeURIComponent(wf.ref)}` }, 'runs of this workflow'))),
    errors.length ? h('div', { class: 'notice notice-error', role: 'alert', id: 'load-errors' },
      h('strong', {}, 'The file fails to load. '),
      wf.currentVersion ? `Version ${wf.currentVersion.seq} stays current and launchable until the file is fixed.` : 'No version can be launched until it is fixed.',
      h('ul', {}, errors.map(e => h('li', {}, e.line ? h('a', { href: `#src-line-${e.line}` }, `line ${e.line}, column ${e.column}`) : '(document)',
        e.path ? [' · ', h('code', {}, e.path)] : null, ': ', e.message)))) : null,
    launchable && session.may('operator') ? launchForm(wf, ctx) : null,
    wf.failedSource ? h('section', { 'aria-labelledby': 'failed-src-h' },
      h('h2', { id: 'failed-src-h' }, 'The file on disk (fails to load)'), source(wf.failedSource, errors, 'src')) : null,
    wf.yaml ? h('section', { 'aria-labelledby': 'yaml-h' },
      h('h2', { id: 'yaml-h' }, `Current version (v${wf.currentVersion.seq})`),
      source(wf.yaml, wf.failedSource ? [] : errors, wf.failedSource ? 'cur' : 'src')) : null,
    h('section', { 'aria-labelledby': 'versions-h' }, h('h2', { id: 'versions-h' }, 'Versions'),
      table(['Version', 'Label', 'Hash', 'Created'], versions.items.slice().reverse().map(v => h('tr', {},
        h('td', {}, `v${v.seq}`, wf.currentVersion && v.id === wf.currentVersion.id ? ' (current)' : ''),
        h('td', {}, v.label || '—'), h('td', {}, h('code', {}, v.hash.slice(0, 12))), h('td', {}, time(v.createdAt)))))));
}

/** YAML with line numbers; a line an error points at is marked and carries the message. */
function source(text, errors, prefix) {
  const byLine = new Map();
  errors.filter(e => e.line).forEach(e => byLine.set(e.line, [...(byLine.get(e.line) || []), e]));
  return h('ol', { class: 'code', 'aria-label': 'YAML source' }, text.replace(/\n$/, '').split('\n').map((line, i) => {
    const n = i + 1;
    const marks = byLine.get(n);
    return h('li', { id: `${prefix}-line-${n}`, class: marks ? 'code-error' : null },
      h('code', {}, line || ' '),
      marks ? marks.map(e => h('span', { class: 'code-message' }, `⚠ column ${e.column}: ${e.message}`)) : null);
  }));
}

/** A control for one input, by its schema: enums as choices, secrets as password fields, JSON for objects and arrays. */
function control(name, schema) {
  const type = String(schema.type || 'string').toLowerCase();
  const id = uid(`in-${name}`);
  const attrs = { id, name, required: !!schema.required, 'aria-describedby': `${id}-error` };
  const def = schema.default;
  if (Array.isArray(schema.enum)) {
    return h('select', attrs,
      schema.required && def === undefined ? h('option', { value: '' }, 'Choose…') : h('option', { value: '' }, '(not set)'),
      schema.enum.map(v => h('option', { value: JSON.stringify(v), selected: def !== undefined && JSON.stringify(def) === JSON.stringify(v) }, String(v))));
  }
  if (type === 'boolean') {
    return h('select', attrs, h('option', { value: '' }, '(not set)'),
      ['true', 'false'].map(v => h('option', { value: v, selected: def !== undefined && String(def) === v }, v)));
  }
  if (type === 'integer' || type === 'number') {
    return h('input', { ...attrs, type: 'number', step: type === 'integer' ? '1' : 'any', min: schema.minimum, max: schema.maximum,
      value: def !== undefined ? String(def) : null });
  }
  if (type === 'object' || type === 'array') {
    return h('textarea', { ...attrs, rows: 4, spellcheck: 'false', class: 'mono',
      placeholder: type === 'object' ? '{"key": "value"}' : '["a", "b"]' }, def !== undefined ? JSON.stringify(def, null, 2) : '');
  }
  return h('input', { ...attrs, type: schema.secret ? 'password' : 'text', autocomplete: schema.secret ? 'new-password' : 'off',
    value: def !== undefined ? String(def) : null });
}

/** The value a control holds, typed as the schema says; undefined when left empty. Throws a message when it does not read. */
export function valueOf(el, schema) {
  const type = String(schema.type || 'string').toLowerCase();
  const raw = el.value;
  if (raw === '') return undefined;
  if (el.tagName === 'SELECT' && Array.isArray(schema.enum)) return JSON.parse(raw);
  if (type === 'boolean') return raw === 'true';
  if (type === 'integer' || type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error('must be a number');
    return n;
  }
  if (type === 'object' || type === 'array') {
    let v;
    try { v = JSON.parse(raw); } catch (e) { throw new Error(`is not valid JSON: ${e.message}`); }
    if (type === 'array' ? !Array.isArray(v) : (v === null || typeof v !== 'object' || Array.isArray(v))) throw new Error(`must be a JSON ${type}`);
    return v;
  }
  return raw;
}

/** The form fields of an input schema, for launch and replay: [name, schema, control] each. */
export function inputControls(inputs) {
  return Object.entries(inputs || {}).map(([name, schema]) => [name, schema, control(name, schema)]);
}

export function inputField(name, schema, el) {
  const type = String(schema.type || 'string').toLowerCase();
  const notes = [Array.isArray(schema.enum) ? 'one of the choices' : type, schema.required ? 'required' : 'optional',
    schema.secret ? 'secret: never shown again' : null, schema.pattern ? `pattern ${schema.pattern}` : null,
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : null, schema.maximum !== undefined ? `≤ ${schema.maximum}` : null].filter(Boolean).join(' · ');
  const label = h('span', {}, name, schema.required ? h('abbr', { title: 'required', class: 'req' }, ' *') : null);
  return field(label, el, [schema.description, schema.description ? ' — ' : null, notes], `${el.id}-error`);
}

/** Shows each field error next to the control it names; answers whether any found a place. */
export function placeFieldErrors(err, controls) {
  let placed = false;
  for (const e of err.errors || []) {
    const name = String(e.field || e.path || '').replace(/^inputs\./, '').split(/[.[]/)[0];
    const found = controls.find(([n]) => n === name);
    if (found) {
      const el = found[2];
      document.getElementById(`${el.id}-error`).textContent = e.message;
      el.setAttribute('aria-invalid', 'true');
      placed = true;
    }
  }
  return placed;
}

export function clearFieldErrors(controls) {
  for (const [, , el] of controls) {
    el.removeAttribute('aria-invalid');
    const out = document.getElementById(`${el.id}-error`);
    if (out) out.textContent = '';
  }
}

function launchForm(wf, ctx) {
  const controls = inputControls(wf.inputs);
  const key = h('input', { id: 'idempotency-key', name: 'idempotencyKey', type: 'text', autocomplete: 'off' });
  const out = h('div', { id: 'launch-outcome', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'launch' }, 'Launch');
  const form = h('form', { class: 'card', id: 'launch-form', 'aria-labelledby': 'launch-h', onsubmit: launch },
    h('h2', { id: 'launch-h' }, 'Launch a run'),
    controls.length ? controls.map(([name, schema, el]) => inputField(name, schema, el)) : h('p', {}, 'This workflow takes no inputs.'),
    field('Idempotency key (optional)', key, 'Launching again with the same key answers the first run instead of starting a second.'),
    h('div', { class: 'buttons' }, submit), out);
  return form;

  async function launch(e) {
    e.preventDefault();
    clearFieldErrors(controls);
    replace(out);
    const inputs = {};
    let bad = false;
    for (const [name, schema, el] of controls) {
      try {
        const v = valueOf(el, schema);
        if (v !== undefined) inputs[name] = v;
      } catch (err) {
        document.getElementById(`${el.id}-error`).textContent = `${name} ${err.message}`;
        el.setAttribute('aria-invalid', 'true');
        bad = true;
      }
    }
    if (bad) return;
    submit.disabled = true;
    submit.textContent = 'Launching…';
    try {
      const headers = key.value.trim() ? { 'Idempotency-Key': key.value.trim() } : {};
      const run = await api('POST', `/workflows/${encodeURIComponent(wf.ref)}/runs`, { inputs }, headers);
      ctx.navigate(`/runs/${run.id}`);
    } catch (err) {
      if (err.name === 'SignedOut') throw err;
      placeFieldErrors(err, controls);
      replace(out, problem(err));
      submit.disabled = false;
      submit.textContent = 'Launch';
    }
  }
}
