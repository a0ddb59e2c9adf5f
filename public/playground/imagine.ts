import { $, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { registerView } from '../common/router';
import { call } from './api';
import { probeText } from './manifest';

/**
 * #imagine. One request per batch (n images), one batch at a time: continuous mode never has two
 * in flight, waits between batches, stops at a cap, and stops by itself when the gateway cannot serve.
 */

const IMAGINE_MAX_BATCHES = 10;
/** The pause between batches; a test or an operator may change it in localStorage. */
const imaginePauseMs = (): number => {
  const stored = JSON.parse(localStorage.getItem('grok2api.playground.imagine') || '{}');
  return Number.isFinite(stored.pauseMs) ? stored.pauseMs : 1500;
};
let imagineController: AbortController | null = null;
let imagineCount = 0;

function addImage(src: string, prompt: string): void {
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

function imagineStatus(text: string, state: string): void {
  $('#imagine-status').textContent = text;
  $('#imagine-status').dataset.state = state;
}

/** Waits `ms`, or less when the run is stopped. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
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

interface ImagineRequest {
  prompt: string;
  size: string;
  count: number;
  continuous: boolean;
}

/** One run: a single batch, or batches one after another until stopped, capped or refused. */
async function imagineRun({ prompt, size, count, continuous }: ImagineRequest, signal: AbortSignal): Promise<void> {
  const before = imagineCount;
  const made = () => imagineCount - before;
  const batches = continuous ? IMAGINE_MAX_BATCHES : 1;
  for (let batch = 1; batch <= batches; batch += 1) {
    if (continuous) imagineStatus(t('imagineBatch', { batch, max: IMAGINE_MAX_BATCHES, n: made() }), 'running');
    let response: Response;
    try {
      response = await call('/images/generations', {
        method: 'POST',
        body: JSON.stringify({ model: 'grok-imagine-1.0', prompt, n: count, size, response_format: 'b64_json' }),
        signal,
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError')
        return imagineStatus(t('imagineStopped', { n: made() }), 'stopped');
      // No account can serve (429/503) or anything else: the run ends here and says why.
      const reason = messageOf(error);
      return imagineStatus(
        made() > 0 ? t('imagineNoAccount', { n: made(), reason }) : t('failed', { reason }),
        'failed',
      );
    }
    if (response.status === 202) return imagineStatus(probeText(await response.json()), 'probe');
    const { data } = (await response.json()) as { data: { b64_json?: string; url?: string }[] };
    for (const image of data)
      addImage(image.b64_json ? `data:image/png;base64,${image.b64_json}` : (image.url ?? ''), prompt);
    if (!continuous) return imagineStatus(t('imagesDone', { n: made() }), 'done');
    if (batch < batches) await pause(imaginePauseMs(), signal);
    if (signal.aborted) return imagineStatus(t('imagineStopped', { n: made() }), 'stopped');
  }
  imagineStatus(t('imagineCapped', { max: IMAGINE_MAX_BATCHES, n: made() }), 'done');
}

$('#imagine-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const prompt = $<HTMLTextAreaElement>('#imagine-prompt').value.trim();
  if (!prompt || imagineController) return;
  const controller = new AbortController();
  imagineController = controller;
  $<HTMLButtonElement>('#imagine-start').disabled = true;
  $<HTMLButtonElement>('#imagine-stop').disabled = false;
  imagineStatus(t('generating'), 'running');
  try {
    const request = {
      prompt,
      size: $<HTMLSelectElement>('#imagine-ratio').value,
      count: Number($<HTMLSelectElement>('#imagine-count').value),
      continuous: $<HTMLInputElement>('#imagine-continuous').checked,
    };
    await imagineRun(request, controller.signal);
  } finally {
    imagineController = null;
    $<HTMLButtonElement>('#imagine-start').disabled = false;
    $<HTMLButtonElement>('#imagine-stop').disabled = true;
  }
});
$('#imagine-stop').addEventListener('click', () => imagineController?.abort());

registerView('imagine', {
  show() {
    $('#imagine-prompt').focus();
  },
});
