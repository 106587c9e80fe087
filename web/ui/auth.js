// @ts-check
/** Sign-up and log-in, and the invite landing page. */
import { h, fill } from './dom.js';
import { get, post, ApiError } from '../api/http.js';
import { authPage, refusal, BACK_TO_APP } from '../state/invites.js';
import { notice } from './dialogs.js';

const LOGGED_OUT = 'ocomms-logged-out';

/** Whether this browser logged out (and has not logged in since): then the session is not worth
 * asking for, and a logged-out load asks nothing, so no 401 shows in the console. A browser that
 * never logged in here still asks once per load: its session cookie is HttpOnly, so only the
 * server knows whether it has one (it may come from a sign-up made through the API). */
export function loggedOut() {
  return localStorage.getItem(LOGGED_OUT) === '1';
}

/** @param {boolean} yes */
export function setLoggedOut(yes) {
  if (yes) localStorage.setItem(LOGGED_OUT, '1');
  else localStorage.removeItem(LOGGED_OUT);
}

/** What a failed sign-up or log-in says. @param {unknown} err @param {'signup' | 'login'} mode */
function failure(err, mode) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.';
  if (err.status === 0) return 'The server cannot be reached. Try again.';
  if (mode === 'login' && err.status === 401) return 'Wrong email or password';
  if (err.status === 429) return 'Too many attempts. Wait a few minutes, then try again.';
  return err.message.charAt(0).toUpperCase() + err.message.slice(1);
}

/**
 * @param {HTMLElement} root
 * @param {{invite?: string, onDone: (next: string) => void}} opts where to go once logged in
 */
export async function showAuth(root, { invite, onDone }) {
  /** @type {'signup' | 'login'} */
  let mode = invite ? 'signup' : 'login';
  /** @type {string | undefined} */
  let workspace;
  if (invite) {
    // The link is checked before any form: an invalid or spent one is said plainly.
    fill(root, h('main', { class: 'auth' }));
    try {
      workspace = (await get(`/invites/${invite}`)).invite.workspace_name;
    } catch (e) {
      const why = refusal(e instanceof ApiError ? e.status : 0);
      await notice(why.title, why.text, BACK_TO_APP);
      history.replaceState(null, '', '/');
      invite = undefined;
      mode = 'login';
    }
  }
  const error = h('p', { class: 'auth__error', role: 'alert' });
  const render = () => {
    const signup = mode === 'signup';
    const page = authPage(mode, invite, workspace);
    const form = h('form', { class: 'auth__form', onsubmit: submit },
      h('h1', { class: 'auth__title' }, page.title),
      page.note === null ? null : h('p', { class: 'auth__note' }, page.note),
      signup ? h('label', null, 'Name', h('input', { name: 'name', required: true, autocomplete: 'name' })) : null,
      h('label', null, 'Email', h('input', { name: 'email', type: 'email', required: true, autocomplete: 'email' })),
      h('label', null, 'Password', h('input', { name: 'password', type: 'password', required: true, minlength: 8,
        autocomplete: signup ? 'new-password' : 'current-password' })),
      error,
      h('button', { class: 'button button--primary', type: 'submit' }, signup ? 'Create account' : 'Log in'),
      h('button', { class: 'button button--link', type: 'button', onclick: () => { mode = signup ? 'login' : 'signup'; render(); } },
        signup ? 'I have an account' : 'Create an account'));
    fill(root, h('main', { class: 'auth' },
      h('div', { class: 'auth__brand' }, h('img', { src: new URL('../icon.svg', import.meta.url).href, alt: '' }), 'OComms'), form));
    /** @type {HTMLInputElement | null} */ (form.querySelector('input'))?.focus();
  };

  /** @param {SubmitEvent} e */
  async function submit(e) {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(/** @type {HTMLFormElement} */ (e.target)));
    error.textContent = '';
    try {
      // Signing up with the code joins its workspace; logging in joins nothing (boot asks first).
      if (mode === 'signup') await post('/auth/signup', { ...data, invite_code: invite });
      else await post('/auth/login', data);
      setLoggedOut(false);
      onDone(authPage(mode, invite, workspace).next);
    } catch (err) {
      error.textContent = failure(err, mode);
    }
  }
  render();
}
