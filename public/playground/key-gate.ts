import { $, messageOf } from '../common/dom';
import { route } from '../common/router';
import { call, hasFunctionKey, rememberKey, whenUnauthorized } from './api';
import { loadManifest, manifestLoaded } from './manifest';

/** The function-key form: shown until /v1/function/verify accepts the key (or no key is needed). */

function showKeyForm(): void {
  $('#play-view').hidden = true;
  $('#key-view').hidden = false;
  $('#function-key').focus();
}
whenUnauthorized(showKeyForm);

export async function enter(): Promise<void> {
  if (!manifestLoaded()) await loadManifest();
  try {
    await call('/verify');
    $('#key-view').hidden = true;
    $('#play-view').hidden = false;
    route();
  } catch (error) {
    showKeyForm();
    if (hasFunctionKey()) $('#key-login-error').textContent = messageOf(error);
  }
}

$('#key-login').addEventListener('submit', (event) => {
  event.preventDefault();
  const field = $<HTMLInputElement>('#function-key');
  rememberKey(field.value);
  field.value = '';
  $('#key-login-error').textContent = '';
  enter();
});
$('#forget-key').addEventListener('click', () => {
  rememberKey('');
  showKeyForm();
});
