// Config page: one form per section drawn from the config schema; the server validates, and an
// error is shown beside the key it names. Only changed keys are sent. Secrets arrive masked and
// stay masked unless revealed one at a time.
(() => {
  const { t } = window.i18n;
  const { api, toast, button, views } = window.grokConsole;
  const $ = (selector) => document.querySelector(selector);
  let form = null;
  let values = {};

  const choicesOf = (schema) =>
    Array.isArray(schema.anyOf) && schema.anyOf.every((option) => 'const' in option)
      ? schema.anyOf.map((option) => option.const)
      : null;
  const isStringOrList = (schema) =>
    Array.isArray(schema.anyOf) &&
    schema.anyOf.some((option) => option.type === 'array') &&
    schema.anyOf.some((option) => option.type === 'string');

  function inputFor(section, entry, value) {
    const { schema } = entry;
    const id = `config-${section}-${entry.key}`;
    const choices = choicesOf(schema);
    let input;
    if (schema.type === 'boolean') {
      input = document.createElement('input');
      input.type = 'checkbox';
      input.checked = Boolean(value);
    } else if (choices) {
      input = document.createElement('select');
      for (const choice of choices) input.append(new Option(String(choice), String(choice), false, choice === value));
    } else if (schema.type === 'integer' || schema.type === 'number') {
      input = document.createElement('input');
      input.type = 'number';
      input.step = schema.type === 'integer' ? '1' : 'any';
      if (schema.minimum !== undefined) input.min = String(schema.minimum);
      if (schema.maximum !== undefined) input.max = String(schema.maximum);
      input.value = String(value);
    } else if (schema.type === 'array') {
      input = document.createElement('textarea');
      input.rows = 3;
      input.value = (value || []).join('\n');
    } else if (schema.type === 'string' || isStringOrList(schema)) {
      input = document.createElement('input');
      input.value = Array.isArray(value) ? value.join(',') : String(value ?? '');
      input.autocomplete = 'off';
      input.spellcheck = false;
    } else {
      input = document.createElement('textarea');
      input.value = JSON.stringify(value);
    }
    input.id = id;
    input.dataset.section = section;
    input.dataset.key = entry.key;
    input.dataset.original = serialise(input);
    return input;
  }

  /** `admin_session_hours` → "Admin session hours"; the key itself stays beside it for the TOML file. */
  function humanise(name) {
    const words = name
      .replace(/_/g, ' ')
      .replace(/\burl\b/g, 'URL')
      .replace(/\bapi\b/g, 'API')
      .replace(/\bcf\b/g, 'CF')
      .replace(/\bnsfw\b/g, 'NSFW');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  /** The key's description in the reader's language; English when no current translation exists. */
  function describe(sectionName, entry) {
    const english = entry.schema.description || '';
    const translated = window.configDescriptionsZh?.[`${sectionName}.${entry.key}`];
    return window.i18n.language === 'zh' && translated && translated[0] === english ? translated[1] : english;
  }

  /** Keys whose field differs from what was loaded. */
  function unsavedCount() {
    let count = 0;
    for (const input of document.querySelectorAll('#config-sections [data-original]'))
      if (serialise(input) !== input.dataset.original) count += 1;
    return count;
  }

  function serialise(input) {
    return input.type === 'checkbox' ? String(input.checked) : input.value;
  }

  function parse(input, schema) {
    if (input.type === 'checkbox') return input.checked;
    if (input.type === 'number') return input.value === '' ? input.value : Number(input.value);
    if (schema.type === 'array')
      return input.value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    if (schema.type === 'string' || isStringOrList(schema) || choicesOf(schema)) return input.value;
    try {
      return JSON.parse(input.value);
    } catch {
      return input.value;
    }
  }

  function randomSecret() {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  }

  async function revealed(section, key) {
    const all = await api('/v1/admin/config?reveal=true');
    const value = all[section][key];
    return Array.isArray(value) ? value.join(',') : String(value ?? '');
  }

  function applyGoverned() {
    for (const [switchKey, rule] of Object.entries(form.governed)) {
      const [section, key] = switchKey.split('.');
      const toggle = document.getElementById(`config-${section}-${key}`);
      if (!toggle) continue;
      for (const managed of rule.managed) {
        const input = document.getElementById(`config-${section}-${managed}`);
        if (input) input.disabled = toggle.checked || input.dataset.environment === 'true';
      }
      for (const needed of rule.needs) {
        const input = document.getElementById(`config-${section}-${needed}`);
        if (input) input.disabled = !toggle.checked || input.dataset.environment === 'true';
      }
    }
  }

  function render() {
    const container = $('#config-sections');
    container.replaceChildren();
    for (const section of form.sections) {
      const details = document.createElement('details');
      details.className = 'card config-section';
      details.dataset.section = section.name;
      const summary = document.createElement('summary');
      const title = document.createElement('span');
      title.textContent =
        t(`section_${section.name}`) === `section_${section.name}`
          ? humanise(section.name)
          : t(`section_${section.name}`);
      const code = document.createElement('code');
      code.className = 'config-key-name';
      code.textContent = `[${section.name}]`;
      const sectionNote = document.createElement('small');
      sectionNote.className = 'section-note';
      sectionNote.textContent =
        t(`sectionHint_${section.name}`) === `sectionHint_${section.name}` ? '' : t(`sectionHint_${section.name}`);
      summary.append(title, ' ', code, sectionNote);
      details.append(summary);
      const sectionForm = document.createElement('form');
      sectionForm.noValidate = true;
      for (const entry of section.keys) {
        const row = document.createElement('div');
        row.className = 'config-row';
        const label = document.createElement('label');
        const input = inputFor(section.name, entry, values[section.name]?.[entry.key]);
        label.htmlFor = input.id;
        const keyTitle = document.createElement('span');
        keyTitle.className = 'config-title';
        keyTitle.textContent = humanise(entry.key);
        const keyName = document.createElement('code');
        keyName.className = 'config-key-name';
        keyName.textContent = entry.key;
        label.append(keyTitle, keyName);
        row.dataset.search = [
          section.name,
          entry.key,
          humanise(entry.key),
          entry.schema.description || '',
          describe(section.name, entry),
        ]
          .join(' ')
          .toLowerCase();
        const description = document.createElement('small');
        const origin = form.sources?.[`${section.name}.${entry.key}`];
        description.textContent = describe(section.name, entry);
        if (origin && origin.source === 'environment') {
          // The environment wins over anything saved here, so the API refuses a change: show why.
          input.disabled = true;
          input.dataset.environment = 'true';
          description.textContent += ` — ${t('setByEnvironment', { variable: origin.variable })}`;
        }
        description.id = `${input.id}-description`;
        input.setAttribute('aria-describedby', `${description.id} ${input.id}-error`);
        const error = document.createElement('p');
        error.className = 'error';
        error.id = `${input.id}-error`;
        error.setAttribute('role', 'alert');
        const field = document.createElement('div');
        field.className = 'config-field';
        field.append(input);
        if (entry.secret) {
          field.append(
            button(
              t('reveal'),
              async () => {
                input.value = await revealed(section.name, entry.key);
                input.dataset.original = input.value;
                input.dataset.revealed = 'true';
              },
              'small',
            ),
            button(
              t('generate'),
              () => {
                input.value = randomSecret();
              },
              'small',
            ),
            button(
              t('copy'),
              async () => {
                const text =
                  input.value === input.dataset.original && input.dataset.revealed !== 'true'
                    ? await revealed(section.name, entry.key)
                    : input.value;
                await navigator.clipboard.writeText(text).then(
                  () => toast(t('copied')),
                  () => {},
                );
              },
              'small',
            ),
          );
        }
        row.append(label, field, description, error);
        sectionForm.append(row);
      }
      const save = document.createElement('button');
      save.type = 'submit';
      save.className = 'primary';
      save.textContent = t('save');
      sectionForm.append(save);
      sectionForm.addEventListener('submit', (event) => {
        event.preventDefault();
        saveSection(section, sectionForm);
      });
      sectionForm.addEventListener('change', applyGoverned);
      details.append(sectionForm);
      container.append(details);
    }
    applyGoverned();
  }

  /** What is wrong with `value` for `schema`, in the reader's language, or '' (the server checks again). */
  function problemOf(value, schema) {
    if (schema.type === 'integer' || schema.type === 'number') {
      if (value === '' || typeof value !== 'number' || Number.isNaN(value)) return t('invalidNumber');
      if (schema.type === 'integer' && !Number.isInteger(value)) return t('invalidInteger');
      if (schema.minimum !== undefined && value < schema.minimum) return t('invalidMinimum', { n: schema.minimum });
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
        return t('invalidAbove', { n: schema.exclusiveMinimum });
      if (schema.maximum !== undefined && value > schema.maximum) return t('invalidMaximum', { n: schema.maximum });
    }
    return '';
  }

  function markInvalid(sectionName, key, message) {
    const input = document.getElementById(`config-${sectionName}-${key}`);
    const target = document.getElementById(`config-${sectionName}-${key}-error`);
    if (!input || !target) return false;
    target.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    return true;
  }

  async function saveSection(section, sectionForm) {
    for (const error of sectionForm.querySelectorAll('.error')) error.textContent = '';
    for (const input of sectionForm.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    const changed = {};
    let invalid = 0;
    for (const entry of section.keys) {
      const input = document.getElementById(`config-${section.name}-${entry.key}`);
      if (serialise(input) === input.dataset.original) continue;
      changed[entry.key] = parse(input, entry.schema);
      const problem = problemOf(changed[entry.key], entry.schema);
      if (problem && markInvalid(section.name, entry.key, problem)) invalid += 1;
    }
    if (invalid > 0) {
      sectionForm.querySelector('[aria-invalid=true]').focus();
      return toast(t('fieldsInvalid', { n: invalid }));
    }
    if (Object.keys(changed).length === 0) return toast(t('nothingChanged'));
    // A new admin password ends this session on the server: sign straight back in with it.
    const newPassword = section.name === 'app' && typeof changed.app_key === 'string' ? changed.app_key : null;
    try {
      let answer;
      try {
        answer = await api('/v1/admin/config', { method: 'POST', body: { [section.name]: changed } });
      } catch (error) {
        if (!(newPassword && error.status === 401)) throw error;
      }
      if (newPassword) {
        await window.grokConsole.signIn(newPassword);
        values = await api('/v1/admin/config');
        toast(t('passwordChanged'));
      } else {
        values = answer.config;
        toast(t('saved'));
      }
      const open = sectionForm.closest('details').open;
      render();
      document.querySelector(`details[data-section="${section.name}"]`).open = open;
    } catch (error) {
      const param = error.body?.error?.param;
      const [sectionName, key] = String(param || '').split('.');
      if (markInvalid(sectionName, key, error.message)) document.getElementById(`config-${sectionName}-${key}`).focus();
      else toast(t('failed', { reason: error.message }));
    }
  }

  /** Another page (the default-password banner) asked for one field: open its section and focus it. */
  function focusRequested() {
    const wanted = window.grokConsole.focusConfig;
    if (!wanted) return;
    window.grokConsole.focusConfig = null;
    const [sectionName, key] = wanted.split('.');
    const details = document.querySelector(`details[data-section="${sectionName}"]`);
    const input = document.getElementById(`config-${sectionName}-${key}`);
    if (!details || !input) return;
    details.open = true;
    input.scrollIntoView({ block: 'center' });
    input.focus();
  }

  async function load() {
    try {
      if (!form) form = await api('/v1/admin/console/config-form');
      values = await api('/v1/admin/config');
      render();
      focusRequested();
    } catch (error) {
      if (error.status !== 401) toast(t('failed', { reason: error.message }));
    }
  }

  // Search: sections and keys whose name, title or description contain every word typed.
  $('#config-search').addEventListener('input', () => {
    const words = $('#config-search').value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const details of document.querySelectorAll('#config-sections details')) {
      let shown = 0;
      for (const row of details.querySelectorAll('.config-row')) {
        row.hidden = !words.every((word) => row.dataset.search.includes(word));
        if (!row.hidden) shown += 1;
      }
      details.hidden = shown === 0;
      details.open = words.length > 0 && shown > 0 ? true : details.open;
    }
  });

  // Unsaved edits: a warning before the page or the tab goes away.
  window.addEventListener('beforeunload', (event) => {
    if (!$('#config-view').hidden && unsavedCount() > 0) event.preventDefault();
  });
  views.config = {
    show: load,
    relabel: () => form && render(),
    canLeave: () => unsavedCount() === 0 || confirm(t('unsavedLeave', { n: unsavedCount() })),
  };
})();
