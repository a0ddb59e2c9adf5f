// The playground: chat, imagine and video against the gateway's own API through /v1/function/*,
// authorised by the function key (kept in sessionStorage for this tab only).
(() => {
  const { t } = window.i18n;
  const $ = (selector) => document.querySelector(selector);
  const KEY_STORE = 'grok2api.functionKey';
  const CHATS_STORE = 'grok2api.playground.chats';
  const TIMEOUTS_STORE = 'grok2api.playground.timeouts';
  let functionKey = sessionStorage.getItem(KEY_STORE) || '';

  function toast(message, state) {
    const element = $('#toast');
    element.textContent = message;
    element.dataset.state = state || '';
    element.classList.add('visible');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => element.classList.remove('visible'), 3000);
  }

  /** The raw response (failures included, so bridge and trace headers can be shown); 401 asks for the key. */
  async function send(path, options = {}) {
    const headers = { 'content-type': 'application/json', ...(options.headers || {}) };
    if (functionKey) headers.authorization = `Bearer ${functionKey}`;
    const response = await fetch(`/v1/function${path}`, { ...options, headers });
    if (response.status === 401) showKeyForm();
    return response;
  }

  async function call(path, options = {}) {
    const response = await send(path, options);
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      const error = new Error(body?.error?.message || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  /** Yields each parsed `data:` event of an OpenAI-style SSE response. */
  async function* events(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let index;
      while ((index = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        for (const line of block.split('\n')) {
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') return;
          try {
            yield JSON.parse(data);
          } catch {
            /* a comment or keep-alive */
          }
        }
      }
    }
  }

  const readAsDataUrl = (file) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });

  // ---- key and views ----
  function showKeyForm() {
    $('#play-view').hidden = true;
    $('#key-view').hidden = false;
    $('#function-key').focus();
  }

  // ---- manifest: which pages exist and how each reaches a backend ----
  let manifest = null;
  const pageOf = (id) => (manifest ? manifest.pages.find((page) => page.id === id) : undefined);
  const MODE_TEXT = { 'backend-forward-ready': 'modeReady', 'probe-only': 'modeProbe', 'init-only': 'modeInit' };

  async function loadManifest() {
    try {
      const response = await fetch('/v1/function/manifest');
      if (response.ok) manifest = await response.json();
    } catch {
      /* an older server without a manifest: every page streams straight to the gateway */
    }
    for (const id of ['chat', 'imagine', 'video']) {
      const page = pageOf(id);
      const mode = page ? page.mode : 'backend-forward-ready';
      const status = $(`#${id}-status`);
      status.dataset.mode = mode;
      // Only a bridge that generates nothing needs saying; a connected backend is the normal case.
      const ready = mode === 'backend-forward-ready';
      if (id === 'chat') {
        status.textContent = t(MODE_TEXT[mode]);
        status.hidden = ready;
      } else status.textContent = ready ? '' : t(MODE_TEXT[mode]);
    }
  }

  /** A probe / init-only bridge's 202: accepted and checked, nothing generated. */
  const probeText = (body) => `${t(body.mode === 'init-only' ? 'turnInitOnly' : 'turnProbe')}: ${body.message}`;

  const views = {};
  function route() {
    const name = views[location.hash.slice(1)] ? location.hash.slice(1) : 'chat';
    for (const section of document.querySelectorAll('main > section.view'))
      section.hidden = section.id !== `${name}-view`;
    for (const link of document.querySelectorAll('.topbar nav a')) {
      if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    views[name].show();
  }
  window.addEventListener('hashchange', () => {
    if (!$('#play-view').hidden) route();
  });

  async function enter() {
    if (!manifest) await loadManifest();
    try {
      await call('/verify');
      $('#key-view').hidden = true;
      $('#play-view').hidden = false;
      route();
    } catch (error) {
      showKeyForm();
      if (functionKey) $('#key-login-error').textContent = error.message;
    }
  }

  $('#key-login').addEventListener('submit', (event) => {
    event.preventDefault();
    functionKey = $('#function-key').value;
    sessionStorage.setItem(KEY_STORE, functionKey);
    $('#function-key').value = '';
    $('#key-login-error').textContent = '';
    enter();
  });
  $('#forget-key').addEventListener('click', () => {
    functionKey = '';
    sessionStorage.removeItem(KEY_STORE);
    showKeyForm();
  });
  for (const button of document.querySelectorAll('.lang-toggle'))
    button.addEventListener('click', () => {
      window.i18n.toggle();
      renderChat();
    });

  // ---- chat ----
  const chats = JSON.parse(localStorage.getItem(CHATS_STORE) || '[]');
  let current = null;
  let attachment = null;
  let turn = null; // the running turn: { controller, reason }
  let modelsLoaded = false;

  /** Client-side limits; a test or an operator may override them in localStorage. */
  function timeouts() {
    const stored = JSON.parse(localStorage.getItem(TIMEOUTS_STORE) || '{}');
    return { firstByteMs: Number(stored.firstByteMs) || 30000, totalMs: Number(stored.totalMs) || 300000 };
  }

  function saveChats() {
    localStorage.setItem(CHATS_STORE, JSON.stringify(chats.slice(0, 50)));
  }

  function newChat() {
    current = { id: Date.now().toString(36), title: t('newChat'), messages: [] };
    chats.unshift(current);
    renderChat();
  }

  /**
   * A turn's state shows once, on its message (the badge). Only a deferred send, which is about the
   * text still in the box rather than a turn, is a toast.
   */
  function showPresentation(presentation) {
    if (presentation.state === 'deferred') toast(presentation.toast, presentation.state);
  }

  function actionButton(name, onClick) {
    const action = window.chatStates.ACTIONS[name];
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `turn-action${action.emphasised ? ' primary emphasised' : ''}`;
    button.dataset.action = name;
    button.title = t(action.title);
    button.setAttribute('aria-label', t(action.title));
    const icon = document.createElement('span');
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = action.icon;
    button.append(icon, ` ${t(action.label)}`);
    button.addEventListener('click', onClick);
    return button;
  }

  function turnActions(message, presentation) {
    const bar = document.createElement('div');
    bar.className = 'turn-actions';
    const handlers = {
      copy: () => {
        navigator.clipboard.writeText(message.text).catch(() => {});
        toast(t('copied'), 'copied');
      },
      edit: () => editFrom(message),
      feedback: (event) => {
        message.feedback = message.feedback === 'good' ? null : 'good';
        event.currentTarget.setAttribute('aria-pressed', String(message.feedback === 'good'));
        saveChats();
      },
      regenerate: () => again(message),
      retry: () => again(message),
      details: (event) => {
        const box = event.currentTarget.closest('.message').querySelector('.turn-details');
        box.hidden = !box.hidden;
      },
    };
    const names = [...presentation.actions];
    if (message.state === 'success' && message === current.messages[current.messages.length - 1])
      names.push('regenerate');
    for (const name of names) {
      const button = actionButton(name, handlers[name]);
      if (name === 'feedback') button.setAttribute('aria-pressed', String(message.feedback === 'good'));
      bar.append(button);
    }
    return bar;
  }

  /** Model output is untrusted: Markdown is rendered through DOMPurify (markdown.js), never as raw HTML. */
  function answerContent(message) {
    const content = document.createElement('div');
    if (message.role !== 'assistant' || !window.markdown) {
      content.className = 'content plain';
      content.textContent = message.text || '';
      return content;
    }
    content.className = 'content markdown';
    content.append(window.markdown.render(message.text || ''));
    for (const block of content.querySelectorAll('pre')) {
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'code-copy small';
      copy.textContent = t('actionCopy');
      copy.addEventListener('click', () => {
        navigator.clipboard.writeText(block.querySelector('code')?.textContent || '').catch(() => {});
        toast(t('copied'), 'copied');
      });
      block.prepend(copy);
    }
    return content;
  }

  /** Reasoning stays open while the answer streams, then folds away (the reader can reopen it). */
  function reasoningElement(message) {
    const details = document.createElement('details');
    details.className = 'reasoning-box';
    details.open = message.state === 'running';
    const summary = document.createElement('summary');
    summary.textContent = message.state === 'running' && !message.text ? t('reasoningLive') : t('reasoning');
    const body = document.createElement('div');
    body.className = 'reasoning';
    body.textContent = message.reasoning;
    details.append(summary, body);
    return details;
  }

  function messageElement(message) {
    const element = document.createElement('div');
    element.className = `message ${message.role}`;
    if (message.reasoning) element.append(reasoningElement(message));
    const text = answerContent(message);
    element.append(text);
    if (message.image) {
      const image = document.createElement('img');
      image.src = message.image;
      image.alt = t('attachment');
      element.append(image);
    }
    if (message.role === 'assistant' && message.state) {
      const presentation = window.chatStates.presentTurn(message.state, message.detail || {}, t);
      element.dataset.state = presentation.state;
      element.dataset.tone = presentation.tone;
      // The one state indicator of the turn: label, and the reason when there is one.
      const badge = document.createElement('div');
      badge.className = 'turn-badge';
      badge.setAttribute('role', 'status');
      badge.textContent = presentation.state === 'probe' ? presentation.label : presentation.status;
      element.prepend(badge);
      if (presentation.terminal) {
        const details = document.createElement('pre');
        details.className = 'turn-details';
        details.hidden = true;
        details.textContent = JSON.stringify(message.detail || {}, null, 2);
        element.append(turnActions(message, presentation), details);
      }
    }
    return element;
  }

  function renderChat() {
    const list = $('#chat-list');
    list.replaceChildren();
    for (const chat of chats) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = chat.title;
      button.setAttribute('aria-current', String(chat === current));
      button.addEventListener('click', () => {
        current = chat;
        renderChat();
      });
      item.append(button);
      list.append(item);
    }
    const box = $('#chat-messages');
    box.replaceChildren(...(current ? current.messages.map(messageElement) : []));
    box.scrollTop = box.scrollHeight;
  }

  const MODEL_STORE = 'grok2api.playground.model';
  // The current fast model first; then the newest of the others the server lists.
  const PREFERRED_MODELS = ['grok-4.1-fast', 'grok-4.1-thinking', 'grok-chat-fast', 'grok-4'];
  const familyOf = (id) => (id.includes('imagine') ? (id.includes('video') ? 'video' : 'image') : 'chat');

  /** Models grouped chat / image / video; aliases are other names for listed models, so they stay out. */
  async function loadModels() {
    if (modelsLoaded) return;
    const { data } = await (await call('/models')).json();
    const select = $('#chat-model');
    select.replaceChildren();
    const groups = { chat: [], image: [], video: [] };
    for (const model of data) if (!model.alias_for) groups[familyOf(model.id)].push(model.id);
    for (const [family, ids] of Object.entries(groups)) {
      if (ids.length === 0) continue;
      const group = document.createElement('optgroup');
      group.label = t(`family_${family}`);
      for (const id of ids) group.append(new Option(id, id));
      select.append(group);
    }
    const listed = (id) => [...select.options].some((option) => option.value === id);
    const remembered = localStorage.getItem(MODEL_STORE);
    const preferred = [remembered, ...PREFERRED_MODELS].find((id) => id && listed(id));
    if (preferred) select.value = preferred;
    modelsLoaded = true;
  }
  $('#chat-model').addEventListener('change', (event) => localStorage.setItem(MODEL_STORE, event.target.value));

  $('#chat-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    attachment = file ? await readAsDataUrl(file) : null;
    $('#chat-attachment').textContent = file ? file.name : '';
  });

  $('#chat-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('#chat-form').requestSubmit();
    }
  });
  $('#new-chat').addEventListener('click', newChat);
  $('#chat-stop').addEventListener('click', () => {
    if (!turn) return;
    turn.reason = 'cancelled';
    turn.controller.abort();
  });

  /** Edit: the user message before `message` goes back into the box, and the turn is removed. */
  function editFrom(message) {
    if (turn) return;
    const index = current.messages.indexOf(message);
    const userIndex = message.role === 'user' ? index : index - 1;
    const user = current.messages[userIndex];
    if (!user) return;
    $('#chat-input').value = user.text;
    attachment = user.image || null;
    current.messages.splice(userIndex);
    saveChats();
    renderChat();
    $('#chat-input').focus();
  }

  /** Retry and regenerate: the same turn again, through the same runTurn as send. */
  function again(message) {
    if (turn) return deferred();
    const index = current.messages.indexOf(message);
    current.messages.splice(index);
    runTurn();
  }

  function deferred() {
    showPresentation(window.chatStates.presentTurn('deferred', {}, t));
  }

  function requestMessages() {
    const messages = [];
    const system = $('#chat-system').value.trim();
    if (system) messages.push({ role: 'system', content: system });
    for (const message of current.messages) {
      if (message.role === 'assistant' && message.state && message.state !== 'success') continue;
      messages.push({
        role: message.role,
        content: message.image
          ? [
              { type: 'text', text: message.text },
              { type: 'image_url', image_url: { url: message.image } },
            ]
          : message.text,
      });
    }
    return messages;
  }

  $('#chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#chat-input').value.trim();
    if (!text) return;
    // A second submission while a reply runs is not sent: it waits in the box.
    if (turn) return deferred();
    if (!current) newChat();
    current.messages.push({ role: 'user', text, image: attachment });
    if (current.messages.length === 1) current.title = text.slice(0, 40);
    $('#chat-input').value = '';
    attachment = null;
    $('#chat-file').value = '';
    $('#chat-attachment').textContent = '';
    runTurn();
  });

  /** One assistant turn for the conversation as it stands; ends in exactly one terminal state. */
  async function runTurn() {
    const messages = requestMessages();
    const reply = { role: 'assistant', text: '', reasoning: '', state: 'running', detail: {} };
    current.messages.push(reply);
    const limits = timeouts();
    const page = pageOf('chat');
    const stream = page ? page.stream : true;
    turn = { controller: new AbortController(), reason: null };
    const mine = turn;
    const expire = (reason) => () => {
      mine.reason = reason;
      mine.controller.abort();
    };
    const firstByteTimer = setTimeout(expire('first-byte-timeout'), limits.firstByteMs);
    const totalTimer = setTimeout(expire('total-timeout'), limits.totalMs);
    $('#chat-stop').hidden = false;
    $('#chat-send').disabled = true;
    renderChat();
    showPresentation(window.chatStates.presentTurn('running', {}, t));
    let bubble = $('#chat-messages').lastElementChild;
    const redraw = () => {
      const next = messageElement(reply);
      bubble.replaceWith(next);
      bubble = next;
      $('#chat-messages').scrollTop = $('#chat-messages').scrollHeight;
    };
    try {
      const response = await send('/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: $('#chat-model').value, messages, stream }),
        signal: mine.controller.signal,
      });
      reply.detail = {
        bridge: response.headers.get('x-grok2api-chat-bridge') || undefined,
        trace: response.headers.get('x-grok2api-backend-trace-id') || undefined,
        status: response.status,
      };
      if (!response.ok) {
        clearTimeout(firstByteTimer);
        const body = await response.json().catch(() => null);
        reply.detail.error = body?.error?.message || `HTTP ${response.status}`;
        reply.detail.retryAfter = response.headers.get('retry-after') || undefined;
        reply.state = 'failed';
      } else if (response.status === 202) {
        clearTimeout(firstByteTimer);
        const body = await response.json();
        reply.text = body.message;
        reply.state = 'probe';
      } else if (!stream) {
        clearTimeout(firstByteTimer);
        const body = await response.json();
        const message = body.choices?.[0]?.message || {};
        reply.text = message.content || '';
        reply.reasoning = message.reasoning_content || '';
        reply.state = 'success';
      } else {
        for await (const chunk of events(response)) {
          const delta = chunk.choices?.[0]?.delta || {};
          if (delta.reasoning_content || delta.content) clearTimeout(firstByteTimer);
          if (delta.reasoning_content) reply.reasoning += delta.reasoning_content;
          if (delta.content) reply.text += delta.content;
          redraw();
        }
        reply.state = 'success';
      }
    } catch (error) {
      if (error.name === 'AbortError' && mine.reason) reply.state = mine.reason;
      else {
        reply.state = 'failed';
        reply.detail.error = error.message;
      }
      if (reply.state === 'first-byte-timeout') reply.detail.seconds = limits.firstByteMs / 1000;
      if (reply.state === 'total-timeout') reply.detail.seconds = limits.totalMs / 1000;
    } finally {
      clearTimeout(firstByteTimer);
      clearTimeout(totalTimer);
      turn = null;
      $('#chat-stop').hidden = true;
      $('#chat-send').disabled = false;
      saveChats();
      renderChat();
      showPresentation(window.chatStates.presentTurn(reply.state, reply.detail, t));
    }
  }

  views.chat = {
    async show() {
      if (!current) current = chats[0] || null;
      renderChat();
      try {
        await loadModels();
      } catch (error) {
        toast(error.message);
      }
      $('#chat-input').focus();
    },
  };

  // ---- imagine ----
  // One request per batch (n images), one batch at a time: continuous mode never has two in flight,
  // waits between batches, stops at a cap, and stops by itself when the gateway cannot serve.
  const IMAGINE_MAX_BATCHES = 10;
  /** The pause between batches; a test or an operator may change it in localStorage. */
  const imaginePauseMs = () => {
    const stored = JSON.parse(localStorage.getItem('grok2api.playground.imagine') || '{}');
    return Number.isFinite(stored.pauseMs) ? stored.pauseMs : 1500;
  };
  let imagineController = null;
  let imagineCount = 0;

  function addImage(src, prompt) {
    imagineCount += 1;
    const card = document.createElement('figure');
    card.className = 'card media-item';
    const image = document.createElement('img');
    image.src = src;
    image.alt = prompt;
    const caption = document.createElement('figcaption');
    const link = document.createElement('a');
    link.href = src;
    link.download = `imagine-${imagineCount}.png`;
    link.textContent = t('download');
    caption.append(link);
    card.append(image, caption);
    $('#imagine-grid').prepend(card);
  }

  function imagineStatus(text, state) {
    $('#imagine-status').textContent = text;
    $('#imagine-status').dataset.state = state;
  }

  /** Waits `ms`, or less when the run is stopped. */
  const pause = (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  /** One run: a single batch, or batches one after another until stopped, capped or refused. */
  async function imagineRun(prompt, size, count, continuous, signal) {
    const before = imagineCount;
    const made = () => imagineCount - before;
    const batches = continuous ? IMAGINE_MAX_BATCHES : 1;
    for (let batch = 1; batch <= batches; batch += 1) {
      if (continuous) imagineStatus(t('imagineBatch', { batch, max: IMAGINE_MAX_BATCHES, n: made() }), 'running');
      let response;
      try {
        response = await call('/images/generations', {
          method: 'POST',
          body: JSON.stringify({ model: 'grok-imagine-1.0', prompt, n: count, size, response_format: 'b64_json' }),
          signal,
        });
      } catch (error) {
        if (error.name === 'AbortError') return imagineStatus(t('imagineStopped', { n: made() }), 'stopped');
        // No account can serve (429/503) or anything else: the run ends here and says why.
        return imagineStatus(
          made() > 0
            ? t('imagineNoAccount', { n: made(), reason: error.message })
            : t('failed', { reason: error.message }),
          'failed',
        );
      }
      if (response.status === 202) return imagineStatus(probeText(await response.json()), 'probe');
      const { data } = await response.json();
      for (const image of data)
        addImage(image.b64_json ? `data:image/png;base64,${image.b64_json}` : image.url, prompt);
      if (!continuous) return imagineStatus(t('imagesDone', { n: made() }), 'done');
      if (batch < batches) await pause(imaginePauseMs(), signal);
      if (signal.aborted) return imagineStatus(t('imagineStopped', { n: made() }), 'stopped');
    }
    imagineStatus(t('imagineCapped', { max: IMAGINE_MAX_BATCHES, n: made() }), 'done');
  }

  $('#imagine-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const prompt = $('#imagine-prompt').value.trim();
    if (!prompt || imagineController) return;
    const controller = new AbortController();
    imagineController = controller;
    $('#imagine-start').disabled = true;
    $('#imagine-stop').disabled = false;
    imagineStatus(t('generating'), 'running');
    try {
      const count = Number($('#imagine-count').value);
      await imagineRun(prompt, $('#imagine-ratio').value, count, $('#imagine-continuous').checked, controller.signal);
    } finally {
      imagineController = null;
      $('#imagine-start').disabled = false;
      $('#imagine-stop').disabled = true;
    }
  });
  $('#imagine-stop').addEventListener('click', () => imagineController?.abort());
  views.imagine = {
    show() {
      $('#imagine-prompt').focus();
    },
  };

  // ---- video ----
  let videoController = null;
  const VIDEO_URL = /(https?:\/\/[^\s"'<>)]+|\/v1\/files\/video\/[^\s"'<>)]+)/;

  $('#video-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const prompt = $('#video-prompt').value.trim();
    if (!prompt || videoController) return;
    const file = $('#video-reference-file').files[0];
    const reference = file ? await readAsDataUrl(file) : $('#video-reference').value.trim();
    const content = reference
      ? [
          { type: 'text', text: prompt },
          { type: 'image_url', image_url: { url: reference } },
        ]
      : prompt;
    videoController = new AbortController();
    $('#video-start').disabled = true;
    $('#video-stop').disabled = false;
    $('#video-result').hidden = true;
    const progress = $('#video-progress');
    progress.hidden = false;
    progress.value = 0;
    $('#video-status').textContent = t('generating');
    $('#video-status').dataset.state = 'running';
    let answer = '';
    try {
      const response = await call('/chat/completions', {
        method: 'POST',
        signal: videoController.signal,
        body: JSON.stringify({
          model: 'grok-imagine-1.0-video',
          stream: true,
          messages: [{ role: 'user', content }],
          video_config: {
            aspect_ratio: $('#video-ratio').value,
            video_length: Number($('#video-length').value),
            resolution_name: $('#video-resolution').value,
            preset: $('#video-preset').value,
          },
        }),
      });
      if (response.status === 202) {
        progress.hidden = true;
        $('#video-status').textContent = probeText(await response.json());
        $('#video-status').dataset.state = 'probe';
        return;
      }
      for await (const chunk of events(response)) {
        const delta = chunk.choices?.[0]?.delta || {};
        const percent = /progress=(\d+)%/.exec(delta.reasoning_content || '');
        if (percent) {
          progress.value = Number(percent[1]);
          $('#video-status').textContent = t('videoProgress', { n: percent[1] });
        }
        if (delta.content) answer += delta.content;
      }
      const url = VIDEO_URL.exec(answer);
      if (!url) throw new Error(t('noVideo'));
      progress.value = 100;
      $('#video-player').src = url[1];
      $('#video-download').href = url[1];
      $('#video-result').hidden = false;
      $('#video-status').textContent = t('videoReady');
      $('#video-status').dataset.state = 'done';
    } catch (error) {
      $('#video-status').textContent =
        error.name === 'AbortError' ? t('stopped') : t('failed', { reason: error.message });
      $('#video-status').dataset.state = 'failed';
    } finally {
      videoController = null;
      $('#video-start').disabled = false;
      $('#video-stop').disabled = true;
    }
  });
  $('#video-stop').addEventListener('click', () => videoController?.abort());
  views.video = {
    show() {
      $('#video-prompt').focus();
    },
  };

  // ---- voice: the gateway brokers a LiveKit token (§15); audio flows between this page and LiveKit ----
  let voiceRoom = null;
  function voiceState(key, state, extra) {
    $('#voice-status').textContent = extra ? t(key, extra) : t(key);
    $('#voice-status').dataset.state = state;
  }
  async function hangUp() {
    const room = voiceRoom;
    voiceRoom = null;
    if (room) await room.disconnect().catch(() => {});
    $('#voice-audio').replaceChildren();
    $('#voice-start').disabled = false;
    $('#voice-stop').disabled = true;
  }
  $('#voice-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    await hangUp();
    $('#voice-start').disabled = true;
    $('#voice-stop').disabled = false;
    voiceState('voiceToken', 'token');
    try {
      const query = new URLSearchParams({
        voice: $('#voice-voice').value,
        personality: $('#voice-personality').value,
        speed: $('#voice-speed').value,
      });
      const { token, url } = await (await call(`/voice/token?${query}`, { method: 'GET' })).json();
      try {
        voiceHost = new URL(url).host;
      } catch {
        voiceHost = '';
      }
      const { Room, RoomEvent, Track } = window.LivekitClient;
      const room = new Room();
      voiceRoom = room;
      room.on(RoomEvent.TrackSubscribed, (track) => {
        if (track.kind === Track.Kind.Audio) $('#voice-audio').append(track.attach());
      });
      room.on(RoomEvent.Disconnected, () => {
        if (voiceRoom === room) voiceState('voiceEnded', 'ended');
      });
      voiceState('voiceConnecting', 'connecting');
      await room.connect(url, token);
      await room.localParticipant.setMicrophoneEnabled(true);
      voiceState('voiceConnected', 'connected');
    } catch (error) {
      voiceState('failed', 'failed', { reason: voiceProblem(error) });
      await hangUp();
    }
  });

  /** A failure in words a person can act on; the technical text stays in the console for whoever needs it. */
  function voiceProblem(error) {
    console.info('voice:', error);
    if (error.name === 'NotAllowedError') return t('voiceMicDenied');
    if (error.name === 'NotFoundError') return t('voiceNoMic');
    if (typeof error.status === 'number') return t('voiceNoToken', { reason: error.message });
    return t('voiceUnreachable', { host: voiceHost || 'LiveKit' });
  }
  let voiceHost = '';
  $('#voice-stop').addEventListener('click', async () => {
    await hangUp();
    voiceState('voiceEnded', 'ended');
  });
  views.voice = {
    show() {
      // A deployment without voice (the demo, the edge Worker) says so instead of offering a button that fails.
      const page = pageOf('voice');
      const off = Boolean(page && page.available === false);
      $('#voice-start').disabled = off || Boolean(voiceRoom);
      if (off) voiceState('voiceUnavailable', 'unavailable');
      $('#voice-voice').focus();
    },
  };

  window.i18n.apply();
  window.addEventListener('DOMContentLoaded', enter);
})();
