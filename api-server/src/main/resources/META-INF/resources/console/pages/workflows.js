// Workflows by pack, with their load errors readable in place, filters in the URL, and Resync for admins.
import { api, session } from '../api.js';
import { h, replace, ago, tipBadge, table, actionButton, notice } from '../ui.js';

export async function render(main, ctx) {
  const list = h('div', { id: 'workflow-list' });
  const resyncOut = h('div', { id: 'resync-outcome' });
  const filters = { pack: ctx.query.get('pack') || '', tag: ctx.query.get('tag') || '', q: ctx.query.get('q') || '' };
  let items = [];

  const packSelect = h('select', { id: 'filter-pack', onchange: e => set('pack', e.target.value) }, h('option', { value: '' }, 'All packs'));
  const tagSelect = h('select', { id: 'filter-tag', onchange: e => set('tag', e.target.value) }, h('option', { value: '' }, 'All tags'));
  const text = h('input', { id: 'filter-q', type: 'search', value: filters.q, placeholder: 'ref, name or description',
    oninput: e => set('q', e.target.value) });

  replace(main,
    h('div', { class: 'title-row' }, h('h1', {}, 'Workflows'),
      session.may('admin') ? h('div', { class: 'buttons' },
        actionButton('Resync (dry run)', 'Checking…', () => resync(true), resyncOut, { id: 'resync-dry' })) : null),
    resyncOut,
    h('form', { class: 'filters', role: 'search', onsubmit: e => e.preventDefault() },
      h('label', { for: 'filter-pack' }, 'Pack'), packSelect,
      h('label', { for: 'filter-tag' }, 'Tag'), tagSelect,
      h('label', { for: 'filter-q' }, 'Text'), text),
    list);

  await load();

  async function load() {
    const page = await api('GET', '/workflows');
    items = page.items;
    const packs = [...new Set(items.map(w => w.pack))].sort();
    const tags = [...new Set(items.flatMap(w => w.tags || []))].sort();
    replace(packSelect, h('option', { value: '' }, 'All packs'), packs.map(p => h('option', { value: p, selected: p === filters.pack }, p)));
    replace(tagSelect, h('option', { value: '' }, 'All tags'), tags.map(t => h('option', { value: t, selected: t === filters.tag }, t)));
    draw();
  }

  function set(key, value) {
    filters[key] = value;
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    history.replaceState(null, '', '/workflows' + (q.toString() ? '?' + q : ''));
    draw();
  }

  function draw() {
    const needle = filters.q.toLowerCase();
    const shown = items.filter(w => (!filters.pack || w.pack === filters.pack)
      && (!filters.tag || (w.tags || []).includes(filters.tag))
      && (!needle || [w.ref, w.name, w.description].some(x => x && x.toLowerCase().includes(needle))));
    const active = shown.filter(w => w.status !== 'ARCHIVED');
    const archived = shown.filter(w => w.status === 'ARCHIVED');
    const byPack = new Map();
    active.forEach(w => byPack.set(w.pack, [...(byPack.get(w.pack) || []), w]));
    replace(list,
      shown.length === 0 ? h('p', {}, items.length ? 'No workflow matches these filters.' : 'No workflow yet: put YAML files in a pack folder and resync.') : null,
      [...byPack.entries()].sort().map(([pack, ws]) => h('section', { 'aria-label': `Pack ${pack}` },
        h('h2', {}, 'Pack ', h('code', {}, pack)), workflowTable(ws))),
      archived.length ? h('section', { 'aria-label': 'Archived workflows', class: 'archived' },
        h('h2', {}, 'Archived'), h('p', { class: 'help' }, 'Their files are gone; runs in flight finish, new launches are refused.'),
        workflowTable(archived)) : null);
  }

  async function resync(dryRun) {
    const report = await api('POST', '/workflows/resync' + (dryRun ? '?dryRun=true' : ''));
    replace(resyncOut, resyncReport(report, dryRun));
    if (!dryRun) await load();
    return null;
  }

  function resyncReport(report, dryRun) {
    const w = report.workflows || {};
    const s = report.summary || {};
    const section = (label, rows, line) => rows && rows.length ? h('div', {}, h('h3', {}, `${label} (${rows.length})`),
      h('ul', {}, rows.map(r => h('li', {}, line(r))))) : null;
    const apply = h('div', { id: 'resync-apply-outcome' });
    return h('div', { class: 'card resync-report', id: 'resync-report' },
      h('h2', {}, dryRun ? 'Resync dry run: nothing written yet' : 'Resync applied'),
      h('p', {}, `scanned ${s.scanned ?? 0} · new ${s.new ?? 0} · updated ${s.updated ?? 0} · unchanged ${s.unchanged ?? 0} · archived ${s.archived ?? 0} · errors ${s.errors ?? 0}`),
      section('New', w.new, r => [h('code', {}, r.ref), ` version ${r.versionSeq}`]),
      section('Updated', w.updated, r => [h('code', {}, r.ref), ` version ${r.fromSeq} → ${r.toSeq}`]),
      section('Archived', w.archived, r => h('code', {}, r.ref)),
      section('Errors', w.errors, r => [h('code', {}, r.ref), ` (${r.file}): ${r.loadError}`]),
      section('pack.yaml errors (last good description and tags kept)', report.packErrors, r => [h('code', {}, r.file), `: ${r.loadError}`]),
      dryRun ? h('div', { class: 'buttons' },
        actionButton('Apply resync', 'Applying…', () => resync(false), apply, { class: 'primary', id: 'resync-apply' })) : notice('The database now matches the packs on disk.'),
      apply);
  }
}

function workflowTable(ws) {
  return table(['Workflow', 'Name', 'Status', 'Version', 'Tags', 'Updated'], ws.map(w => h('tr', {},
    h('td', {}, h('a', { href: `/workflows/${encodeURIComponent(w.ref)}` }, w.ref)),
    h('td', {}, w.name || '—'),
    h('td', {}, h('span', { class: `status status-${String(w.status).toLowerCase()}` }, w.status),
      w.loadError ? [' ', tipBadge('load error', w.loadError)] : null),
    h('td', {}, w.currentVersion ? `v${w.currentVersion.seq}` : 'none loadable'),
    h('td', {}, (w.tags || []).map(t => h('span', { class: 'tag' }, t))),
    h('td', {}, ago(w.updatedAt)))));
}
