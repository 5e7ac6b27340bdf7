// Runs, newest first: filters and the cursor in the URL (a filtered list is a link), refreshed live.
import { api, query } from '../api.js';
import { h, replace, ago, duration, status, table } from '../ui.js';

const STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELED'];

export async function render(main, ctx) {
  const q = ctx.query;
  const filters = { workflow: q.get('workflow') || '', status: q.get('status') || '', stuck: q.get('stuck') === 'true' };
  const cursor = q.get('cursor') || '';
  const list = h('div', { id: 'run-list', 'aria-live': 'off' });
  const workflow = h('input', { id: 'filter-workflow', type: 'search', value: filters.workflow, placeholder: 'pack.name' });
  const statusSelect = h('select', { id: 'filter-status' }, h('option', { value: '' }, 'Any status'),
    STATUSES.map(s => h('option', { value: s, selected: s === filters.status }, s)));
  const stuck = h('input', { id: 'filter-stuck', type: 'checkbox', checked: filters.stuck });
  const form = h('form', { class: 'filters', role: 'search', onsubmit: apply },
    h('label', { for: 'filter-workflow' }, 'Workflow'), workflow,
    h('label', { for: 'filter-status' }, 'Status'), statusSelect,
    h('span', { class: 'check' }, stuck, h('label', { for: 'filter-stuck' }, 'Stuck only')),
    h('button', { type: 'submit' }, 'Filter'));
  statusSelect.addEventListener('change', apply);
  stuck.addEventListener('change', apply);

  replace(main, h('h1', {}, filters.stuck ? 'Stuck runs' : 'Runs'), form, list);

  function apply(e) {
    if (e) e.preventDefault();
    ctx.navigate('/runs' + query({ workflow: workflow.value.trim(), status: statusSelect.value, stuck: stuck.checked ? 'true' : '' }));
  }

  // the first page follows new runs live; an older page stays as it was read
  await ctx.every(cursor ? 3600000 : 2000, async () => {
    const page = await api('GET', '/runs' + query({ ...filters, stuck: filters.stuck ? 'true' : '', cursor, limit: 25 }));
    if (!ctx.current()) return;
    replace(list,
      page.items.length === 0 ? h('p', {}, cursor ? 'No more runs.' : 'No run matches.') :
        table(['Run', 'Workflow', 'Status', 'Attempt', 'Created', 'Duration'], page.items.map(r => h('tr', {},
          h('td', {}, h('a', { href: `/runs/${r.id}` }, h('code', {}, r.id.slice(0, 8))), r.executionKey ? [' ', h('small', {}, r.executionKey)] : null),
          h('td', {}, h('a', { href: `/workflows/${encodeURIComponent(r.workflow)}` }, r.workflow)),
          h('td', {}, status(r.status)),
          h('td', {}, String(r.attempt)),
          h('td', {}, ago(r.createdAt)),
          h('td', {}, duration(r.startedAt || r.createdAt, r.finishedAt))))),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        cursor ? h('a', { href: '/runs' + query({ ...filters, stuck: filters.stuck ? 'true' : '' }) }, '« Newest') : null,
        page.nextCursor ? h('a', { href: '/runs' + query({ ...filters, stuck: filters.stuck ? 'true' : '', cursor: page.nextCursor }), id: 'next-page' }, 'Older »') : null));
  });
}
