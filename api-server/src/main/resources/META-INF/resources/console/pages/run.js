// One run, live: status and facts, a stuck banner that says what fixes it, the steps as a
// timeline and a table, waits, output, the audit trail; Resume (in place, or onto the workflow's
// current version after its plan is shown), Cancel, Replay and Signal.
import { api, session } from '../api.js';
import { h, replace, time, duration, status, json, table, dialog, confirm, notice, problem, field, uid } from '../ui.js';
import { inputControls, inputField, valueOf, placeFieldErrors, clearFieldErrors } from './workflow.js';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELED'];
const SVG = 'http://www.w3.org/2000/svg';

export async function render(main, ctx) {
  const id = ctx.params[0];
  let run = null;
  const openSteps = new Set();

  const title = h('h1', {}, 'Run ', h('code', {}, id.slice(0, 8)));
  const statusBox = h('span', { id: 'run-status', 'aria-live': 'polite' });
  const stuckBox = h('div', { id: 'stuck' });
  const out = h('div', { id: 'action-outcome', 'aria-live': 'polite' });
  const facts = h('div', { id: 'run-facts' });
  const timeline = h('div', { id: 'timeline' });
  const steps = h('div', { id: 'steps' });
  const waits = h('div', { id: 'waits' });
  const data = h('div', { id: 'run-data' });
  const audit = h('div', { id: 'audit' });
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '/runs' }, 'Runs'));

  const may = session.may('operator');
  const resume = h('button', { type: 'button', id: 'resume', class: 'primary', hidden: true, onclick: doResume }, 'Resume');
  const resumeCurrent = h('button', { type: 'button', id: 'resume-current', hidden: true, onclick: planResumeOnCurrent }, 'Resume on current version…');
  const cancel = h('button', { type: 'button', id: 'cancel', class: 'danger', hidden: true, onclick: doCancel }, 'Cancel');
  const replay = h('button', { type: 'button', id: 'replay', hidden: true, onclick: doReplay }, 'Replay…');
  const signal = h('button', { type: 'button', id: 'signal', hidden: true, onclick: doSignal }, 'Signal…');
  const actions = may ? h('div', { class: 'buttons actions', role: 'group', 'aria-label': 'Run actions' }, resume, resumeCurrent, cancel, replay, signal) : null;

  replace(main, crumbs, h('div', { class: 'title-row' }, title, statusBox), stuckBox, actions, out, facts,
    h('section', { 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h' }, 'Timeline'), timeline),
    h('section', { 'aria-labelledby': 'steps-h' }, h('h2', { id: 'steps-h' }, 'Steps'), steps),
    h('section', { 'aria-labelledby': 'waits-h' }, h('h2', { id: 'waits-h' }, 'Waits'), waits),
    data,
    h('section', { 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h' }, 'Audit trail'), audit));

  await ctx.every(1500, refresh);

  async function refresh() {
    const [fresh, events] = await Promise.all([api('GET', `/runs/${id}`), api('GET', `/runs/${id}/events`)]);
    if (!ctx.current()) return;
    run = fresh;
    draw(events.items);
  }

  function draw(events) {
    replace(crumbs, h('a', { href: '/runs' }, 'Runs'), ' / ', h('a', { href: `/runs?workflow=${encodeURIComponent(run.workflow.ref)}` }, run.workflow.ref));
    replace(statusBox, status(run.status));
    const terminal = TERMINAL.includes(run.status);
    if (may && !resume.disabled) resume.hidden = !run.resumable;
    if (may && !resumeCurrent.disabled) resumeCurrent.hidden = !run.resumable;
    if (may && !cancel.disabled) cancel.hidden = terminal;
    if (may) replay.hidden = false;
    if (may) signal.hidden = terminal;
    replace(stuckBox, run.stuck ? stuckBanner(run.stuck, run) : null);
    replace(facts, h('dl', { class: 'facts' },
      h('dt', {}, 'Workflow'), h('dd', {}, h('a', { href: `/workflows/${encodeURIComponent(run.workflow.ref)}` }, run.workflow.ref), ` v${run.workflow.versionSeq}`),
      h('dt', {}, 'Attempt'), h('dd', { id: 'run-attempt' }, String(run.attempt)),
      run.executionKey ? [h('dt', {}, 'Execution key'), h('dd', {}, h('code', {}, run.executionKey))] : null,
      h('dt', {}, 'Created'), h('dd', {}, time(run.createdAt)),
      h('dt', {}, 'Started'), h('dd', {}, time(run.startedAt)),
      h('dt', {}, 'Finished'), h('dd', {}, time(run.finishedAt)),
      h('dt', {}, 'Duration'), h('dd', {}, duration(run.startedAt || run.createdAt, run.finishedAt)),
      run.replayOf ? [h('dt', {}, 'Replays'), h('dd', {}, h('a', { href: `/runs/${run.replayOf}`, id: 'replay-of' }, run.replayOf))] : null,
      (run.replayedBy || []).length ? [h('dt', {}, 'Replayed by'), h('dd', { id: 'replayed-by' },
        run.replayedBy.map((r, i) => [i ? ', ' : '', h('a', { href: `/runs/${r}` }, r.slice(0, 8))]))] : null));
    replace(timeline, timelineChart(run));
    replace(steps, run.steps.length ? stepTable(run.steps) : h('p', {}, 'No step has started yet.'));
    replace(waits, run.waits.length ? table(['Step', 'Kind', 'Event', 'Correlation key', 'Status', 'Due'], run.waits.map(w => h('tr', {},
      h('td', {}, h('code', {}, w.stepPath)), h('td', {}, w.kind), h('td', {}, w.event || '—'),
      h('td', {}, w.correlationKey ? h('code', {}, w.correlationKey) : '—'), h('td', {}, status(w.status)), h('td', {}, time(w.dueAt))))) : h('p', {}, 'No waits.'));
    replace(data,
      run.error ? h('section', { 'aria-labelledby': 'error-h' }, h('h2', { id: 'error-h' }, 'Error'),
        h('div', { class: 'notice notice-error', id: 'run-error' }, run.error.step ? [h('code', {}, run.error.step), ': '] : null, run.error.message || JSON.stringify(run.error))) : null,
      h('section', { 'aria-labelledby': 'output-h' }, h('h2', { id: 'output-h' }, 'Output'),
        run.output === null || run.output === undefined ? h('p', {}, terminal ? 'No output.' : 'Not finished yet.') : json(run.output)),
      h('section', { 'aria-labelledby': 'inputs-h' }, h('h2', { id: 'inputs-h' }, 'Inputs'), json(run.inputs || {})));
    replace(audit, events.length ? h('ol', { class: 'audit' }, events.map(e => h('li', {}, time(e.at), ' ', h('strong', {}, e.kind), ' by ', e.actor || '—',
      e.details && Object.keys(e.details).length ? [' ', h('code', {}, JSON.stringify(e.details))] : null))) : h('p', {}, 'Nothing recorded yet.'));
  }

  function stepTable(list) {
    return table(['Step', 'Uses', 'Status', 'Attempts', 'Started', 'Duration', 'Details'], list.map(s => {
      const details = h('details', { open: openSteps.has(s.path) },
        h('summary', {}, s.error ? 'error' : 'output'),
        s.error ? json(s.error) : null, s.output !== null && s.output !== undefined ? json(s.output) : (s.error ? null : h('p', {}, 'none')));
      details.addEventListener('toggle', () => (details.open ? openSteps.add(s.path) : openSteps.delete(s.path)));
      return h('tr', { dataset: { step: s.path } },
        h('td', {}, h('code', {}, s.path)), h('td', {}, s.uses), h('td', {}, status(s.status)), h('td', {}, String(s.attempts)),
        h('td', {}, time(s.startedAt)), h('td', {}, duration(s.startedAt, s.finishedAt)), h('td', {}, details));
    }));
  }

  async function doResume() {
    resume.disabled = true;
    resume.textContent = 'Resuming…';
    replace(out);
    try {
      const resumed = await api('POST', `/runs/${id}/resume`);
      replace(out, notice(`Resumed: attempt ${resumed.attempt} is ${resumed.status}. Steps that succeeded are not run again.`));
      resume.hidden = true;
      await refresh();
    } catch (err) {
      if (err.name === 'SignedOut') throw err;
      replace(out, problem(err));
    } finally {
      resume.disabled = false;
      resume.textContent = 'Resume';
    }
  }

  // the dry run first: which recorded steps the new version keeps and which run, or why it can't
  async function planResumeOnCurrent() {
    resumeCurrent.disabled = true;
    replace(out);
    try {
      const plan = await api('POST', `/runs/${id}/resume?dryRun=true`, { version: 'current' });
      replace(out, resumePlanCard(plan));
    } catch (err) {
      if (err.name === 'SignedOut') throw err;
      replace(out, problem(err));
    } finally {
      resumeCurrent.disabled = false;
    }
  }

  function resumePlanCard(plan) {
    const list = (label, paths, listId) => h('div', {}, h('h3', {}, `${label} (${paths.length})`),
      paths.length ? h('ul', { id: listId }, paths.map(p => h('li', {}, h('code', {}, p)))) : h('p', { id: listId }, 'none'));
    const outcome = h('div', { id: 'resume-current-outcome' });
    const same = plan.fromVersion === plan.toVersion;
    const go = h('button', { type: 'button', class: 'primary', id: 'resume-current-apply' }, `Resume on version ${plan.toVersion}`);
    go.addEventListener('click', async () => {
      go.disabled = true;
      go.textContent = 'Resuming…';
      replace(outcome);
      try {
        const resumed = await api('POST', `/runs/${id}/resume`, { version: 'current' });
        replace(out, notice(`Resumed on version ${resumed.workflow.versionSeq}: attempt ${resumed.attempt} is ${resumed.status}. Kept steps are not run again.`));
        await refresh();
      } catch (err) {
        if (err.name === 'SignedOut') throw err;
        replace(outcome, problem(err));
        go.disabled = false;
        go.textContent = `Resume on version ${plan.toVersion}`;
      }
    });
    return h('div', { class: 'card', id: 'resume-plan' },
      h('h2', {}, same ? `Version ${plan.toVersion} is already the current one` : `Resume on version ${plan.toVersion} (the run ran version ${plan.fromVersion})`),
      h('p', {}, same ? 'A resume here is the same as Resume.' : 'Nothing has changed yet. Kept steps keep their recorded outcome; the others run on the new version.'),
      list('Kept', plan.kept || [], 'resume-plan-kept'),
      list('Run', plan.run || [], 'resume-plan-run'),
      (plan.discarded || []).length ? list('Dropped (the new version has no such step)', plan.discarded, 'resume-plan-discarded') : null,
      h('div', { class: 'buttons' }, go), outcome);
  }

  async function doCancel() {
    if (!await confirm('Cancel this run?', `Run ${id} stops at its next step boundary; steps already done stay done. This cannot be undone.`, 'Cancel the run')) return;
    cancel.disabled = true;
    replace(out);
    try {
      await api('POST', `/runs/${id}/cancel`);
      replace(out, notice('Cancel requested; the run shows CANCELED once it stops.'));
      await refresh();
    } catch (err) {
      if (err.name === 'SignedOut') throw err;
      replace(out, problem(err));
    } finally {
      cancel.disabled = false;
    }
  }

  async function doReplay() {
    replace(out);
    let wf;
    try {
      wf = await api('GET', `/workflows/${encodeURIComponent(run.workflow.ref)}`);
    } catch (err) {
      if (err.name === 'SignedOut') throw err;
      replace(out, problem(err));
      return;
    }
    const made = await dialog('Replay this run', close => replayForm(wf, close));
    if (made) ctx.navigate(`/runs/${made.id}`);
  }

  function replayForm(wf, close) {
    const controls = inputControls(wf.inputs);
    const initial = new Map();
    for (const [name, schema, el] of controls) {
      // a secret is shown empty, meaning "unchanged": the server keeps the stored value, never a redacted copy
      const had = run.inputs ? run.inputs[name] : undefined;
      if (schema.secret) {
        el.value = '';
        el.placeholder = 'unchanged';
        el.required = false;
      } else if (had === undefined) {
        el.value = '';
      } else if (el.tagName === 'SELECT' && Array.isArray(schema.enum)) {
        el.value = JSON.stringify(had);
      } else {
        el.value = typeof had === 'object' ? JSON.stringify(had, null, 2) : String(had);
      }
      initial.set(name, el.value);
    }
    const version = h('select', { id: uid('replay-version') },
      h('option', { value: 'current' }, `current version (v${wf.currentVersion ? wf.currentVersion.seq : '?'})`),
      h('option', { value: 'original' }, `original version (v${run.workflow.versionSeq})`));
    const result = h('div', { id: 'replay-outcome', 'aria-live': 'polite' });
    const go = h('button', { type: 'submit', class: 'primary', id: 'replay-submit' }, 'Replay');
    return h('form', { onsubmit: submit, id: 'replay-form' },
      h('p', {}, 'Starts a new run from the first step. Fields left as they are keep the values this run was launched with, secrets included.'),
      controls.map(([name, schema, el]) => inputField(name, schema, el)),
      field('Version', version),
      result,
      h('div', { class: 'buttons' }, go, h('button', { type: 'button', onclick: () => close(undefined) }, 'Close')));

    async function submit(e) {
      e.preventDefault();
      clearFieldErrors(controls);
      const changed = {};
      let bad = false;
      for (const [name, schema, el] of controls) {
        if (el.value === initial.get(name)) continue;
        try {
          changed[name] = valueOf(el, schema) ?? null;
        } catch (err) {
          document.getElementById(`${el.id}-error`).textContent = `${name} ${err.message}`;
          bad = true;
        }
      }
      if (bad) return;
      // nothing edited and the current version: no body at all, and the server replays the stored raw inputs
      const body = {};
      if (version.value !== 'current') body.version = version.value;
      if (Object.keys(changed).length) body.inputs = changed;
      go.disabled = true;
      go.textContent = 'Replaying…';
      try {
        close(await api('POST', `/runs/${id}/replay`, Object.keys(body).length ? body : undefined));
      } catch (err) {
        if (err.name === 'SignedOut') throw err;
        placeFieldErrors(err, controls);
        replace(result, problem(err));
        go.disabled = false;
        go.textContent = 'Replay';
      }
    }
  }

  async function doSignal() {
    replace(out);
    const waiting = run.waits.find(w => w.status === 'WAITING' && w.kind === 'EVENT');
    const sent = await dialog('Signal this run', close => {
      const event = h('input', { id: uid('sig-event'), type: 'text', required: true, value: waiting ? waiting.event : null, autocomplete: 'off' });
      const key = h('input', { id: uid('sig-key'), type: 'text', value: waiting && waiting.correlationKey ? waiting.correlationKey : null, autocomplete: 'off' });
      const payload = h('textarea', { id: uid('sig-payload'), rows: 5, class: 'mono', spellcheck: 'false', placeholder: '{"user": "ann"}' });
      const result = h('div', { id: 'signal-outcome', 'aria-live': 'polite' });
      const go = h('button', { type: 'submit', class: 'primary', id: 'signal-submit' }, 'Send signal');
      return h('form', { id: 'signal-form', onsubmit: async e => {
        e.preventDefault();
        replace(result);
        const body = { event: event.value.trim() };
        if (key.value.trim()) body.correlationKey = key.value.trim();
        if (payload.value.trim()) {
          try {
            body.payload = JSON.parse(payload.value);
          } catch (err) {
            replace(result, notice(`The payload is not valid JSON: ${err.message}`, 'error'));
            payload.setAttribute('aria-invalid', 'true');
            return;
          }
        }
        go.disabled = true;
        go.textContent = 'Sending…';
        try {
          await api('POST', `/runs/${id}/signals`, body);
          close(body.event);
        } catch (err) {
          if (err.name === 'SignedOut') throw err;
          replace(result, problem(err));
          go.disabled = false;
          go.textContent = 'Send signal';
        }
      } },
        waiting ? h('p', {}, 'The run waits on ', h('code', {}, waiting.event), waiting.correlationKey ? [' with key ', h('code', {}, waiting.correlationKey)] : null, '.') : null,
        field('Event name', event),
        field('Correlation key (optional)', key),
        field('Payload (JSON, optional)', payload, 'Checked before it is sent.'),
        result,
        h('div', { class: 'buttons' }, go, h('button', { type: 'button', onclick: () => close(undefined) }, 'Close')));
    });
    if (sent) {
      replace(out, notice(`Signal ${sent} sent.`));
      await refresh();
    }
  }

  function stuckBanner(stuck, r) {
    const reason = stuck.reason || '';
    let plain;
    let fix;
    if (/no worker polls/.test(reason)) {
      const pending = r.status === 'PENDING';
      plain = pending ? 'No worker is running, so this run cannot start.'
        : 'No worker is running, so this run cannot go on: its next step, timer or signal waits for one.';
      fix = ['Start a workflow-worker (', h('code', {}, './run.sh worker'), ' on the local stack); the run ',
        pending ? 'starts' : 'goes on', ' as soon as one polls the queue.'];
    } else if (/execution lost/.test(reason)) {
      plain = 'Its Temporal execution is gone (a worker crash, a lost dev server or a termination), so nothing moves it on.';
      fix = r.resumable && may ? ['Resume continues it in place; steps that succeeded are not run again. ',
        h('button', { type: 'button', class: 'primary', onclick: doResume }, 'Resume now')] : 'An operator can resume it; steps that succeeded are not run again.';
    } else if (/not started in Temporal/.test(reason)) {
      plain = 'Temporal has not accepted its start yet.';
      fix = 'Nothing to do: the reconciler starts it when Temporal answers. If this lasts, check that Temporal is up.';
    } else if (/execution closed/.test(reason)) {
      plain = 'Its execution ended but the final state has not reached the database.';
      fix = 'Nothing to do: the reconciler settles it shortly.';
    } else if (/workflow task failing/.test(reason)) {
      plain = 'The worker fails to run this workflow\'s code.';
      fix = 'Read the reason below and the worker log; fix the cause, then resume or replay the run.';
    } else if (/projection behind/.test(reason)) {
      plain = 'The worker cannot write this run\'s progress to the database; the run itself goes on.';
      fix = 'Check the database the worker writes to; the page catches up once writes land.';
    } else {
      plain = 'This run makes no progress.';
      fix = 'Read the reason below.';
    }
    return h('div', { class: 'banner banner-warn', role: 'alert', id: 'stuck-banner' },
      h('strong', {}, 'Stuck: '), plain, ' ', h('span', {}, fix),
      h('p', { class: 'reason' }, 'Reason: ', h('code', {}, reason), ' since ', time(stuck.since)));
  }
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.append(document.createTextNode(text));
  return el;
}

/** One bar per step from its start to its finish (or now), on the run's own time axis. */
function timelineChart(r) {
  const timed = r.steps.filter(s => s.startedAt || s.finishedAt);
  if (!timed.length) return h('p', {}, 'Nothing has run yet.');
  const now = Date.now();
  const t = iso => new Date(iso).getTime();
  const start = Math.min(...timed.map(s => t(s.startedAt || s.finishedAt)));
  const end = Math.max(r.finishedAt ? t(r.finishedAt) : now, ...timed.map(s => (s.finishedAt ? t(s.finishedAt) : now)));
  const span = Math.max(1, end - start);
  const label = 180, width = 820, row = 24, plot = width - label - 90;
  let slowest = null;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${timed.length * row + 8}`, class: 'timeline', role: 'img' });
  timed.forEach((s, i) => {
    const from = t(s.startedAt || s.finishedAt);
    const to = s.finishedAt ? t(s.finishedAt) : now;
    if (!slowest || to - from > slowest.ms) slowest = { path: s.path, ms: to - from };
    const x = label + ((from - start) / span) * plot;
    const w = Math.max(2, ((to - from) / span) * plot);
    const y = i * row + 4;
    const g = svg('g', { class: `bar status-${s.status.toLowerCase()}` });
    g.append(svg('title', {}, `${s.path}: ${s.status}, ${duration(s.startedAt || s.finishedAt, s.finishedAt)}`));
    g.append(svg('text', { x: 0, y: y + 15, class: 'label' }, s.path.length > 24 ? s.path.slice(0, 23) + '…' : s.path));
    g.append(svg('rect', { x, y, width: w, height: row - 8, rx: 3 }));
    g.append(svg('text', { x: Math.min(x + w + 6, width - 84), y: y + 15, class: 'label' }, duration(s.startedAt || s.finishedAt, s.finishedAt)));
    chart.append(g);
  });
  chart.setAttribute('aria-label', `Timeline of ${timed.length} steps over ${duration(new Date(start).toISOString(), new Date(end).toISOString())}; `
    + `the longest is ${slowest.path} (${duration(new Date(0).toISOString(), new Date(slowest.ms).toISOString())})`);
  return chart;
}
