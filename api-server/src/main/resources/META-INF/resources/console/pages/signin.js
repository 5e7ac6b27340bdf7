// Sign in by pasting a token (from ./run.sh token, or an identity provider). The console checks its
// shape and expiry, then one API call proves the server accepts it.
import { api, session, SignedOut } from '../api.js';
import { h, replace, problem, notice } from '../ui.js';

export async function render(main, ctx) {
  const reason = session.takeReason();
  const out = h('div', { id: 'signin-outcome' });
  const token = h('textarea', { id: 'token', name: 'token', rows: 5, required: true, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'token-help' });
  const form = h('form', { class: 'card signin', onsubmit: submit },
    h('div', { class: 'field' },
      h('label', { for: 'token' }, 'Token'),
      token,
      h('small', { id: 'token-help', class: 'help' },
        'A JWT whose groups claim holds stepwise.viewer, stepwise.operator or stepwise.admin. On the local stack: ',
        h('code', {}, './run.sh token --role operator'), ', or open the console link ./run.sh prints.')),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  replace(main, h('h1', {}, 'Sign in to Stepwise'),
    reason ? h('div', { class: 'notice notice-warn', role: 'alert', id: 'signin-reason' }, reason) : null,
    form, out);
  token.focus();

  async function submit(e) {
    e.preventDefault();
    const value = token.value.trim();
    const bad = session.problem(value);
    if (bad) {
      replace(out, notice(bad, 'error'));
      return;
    }
    session.signIn(value);
    try {
      await api('GET', '/queues');
    } catch (err) {
      replace(out, err instanceof SignedOut ? notice(session.takeReason() || err.message, 'error') : problem(err));
      return;
    }
    const next = ctx.query.get('next');
    ctx.navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  }
}
