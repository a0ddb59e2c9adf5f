import { $ } from '../common/dom';
import { t } from '../common/i18n';
import { api, setCsrf, statusOf, whenUnauthorized } from './api';
import type { Session } from './api-types';
import { showBanners } from './banners';
import { route } from '../common/router';

/** Signing in and out. The session lives in an HttpOnly cookie; the page keeps only its CSRF token. */

const SIGNED_IN = 'grok2api.admin.signedIn';
const signOutHooks: (() => void)[] = [];

/** Something to stop when the session ends (the job stream). */
export const onSignOut = (hook: () => void) => {
  signOutHooks.push(hook);
};

export function showLogin(): void {
  localStorage.removeItem(SIGNED_IN);
  for (const hook of signOutHooks) hook();
  $('#app-view').hidden = true;
  $('#login-view').hidden = false;
  $('#login-password').focus();
}
whenUnauthorized(showLogin);

function showApp(session: Session): void {
  localStorage.setItem(SIGNED_IN, 'true');
  setCsrf(session.csrf_token || null);
  showBanners(session);
  $('#login-view').hidden = true;
  $('#app-view').hidden = false;
  route();
}

/** Signs in with `password`; the config page uses it after the admin password changed. */
export async function signIn(password: string): Promise<Session> {
  const session = await api<Session>('/v1/admin/session', { method: 'POST', body: { password } });
  showApp(session);
  return session;
}

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('#login-error').textContent = '';
  const field = $<HTMLInputElement>('#login-password');
  try {
    await signIn(field.value);
    field.value = '';
  } catch (error) {
    $('#login-error').textContent = statusOf(error) === 429 ? t('throttled') : t('wrongPassword');
  }
});

$('#logout').addEventListener('click', async () => {
  try {
    await api('/v1/admin/session', { method: 'DELETE' });
  } catch {
    /* already signed out */
  }
  setCsrf(null);
  showLogin();
});

/**
 * A browser that never signed in goes straight to the form instead of asking the server first
 * (a 401 there would be the first thing a newcomer's console shows as an error).
 */
export function resumeSession(): void {
  if (localStorage.getItem(SIGNED_IN) !== 'true') return showLogin();
  api<Session>('/v1/admin/session').then(showApp, showLogin);
}
