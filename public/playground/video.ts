import { $, messageOf } from '../common/dom';
import { t } from '../common/i18n';
import { registerView } from '../common/router';
import { call, events, readAsDataUrl } from './api';
import { probeText } from './manifest';

/** #video: one video through chat completions, its progress from the reasoning stream, then a player. */

let videoController: AbortController | null = null;
const VIDEO_URL = /(https?:\/\/[^\s"'<>)]+|\/v1\/files\/video\/[^\s"'<>)]+)/;
const value = (selector: string) => $<HTMLInputElement | HTMLSelectElement>(selector).value;

function videoStatus(text: string, state?: string): void {
  $('#video-status').textContent = text;
  if (state) $('#video-status').dataset.state = state;
}

async function messageContent(prompt: string): Promise<unknown> {
  const file = $<HTMLInputElement>('#video-reference-file').files?.[0];
  const reference = file ? await readAsDataUrl(file) : value('#video-reference').trim();
  return reference
    ? [
        { type: 'text', text: prompt },
        { type: 'image_url', image_url: { url: reference } },
      ]
    : prompt;
}

/** Streams the generation; answers the video's URL, or null when a bridge only accepted it. */
async function generate(content: unknown, signal: AbortSignal, progress: HTMLProgressElement): Promise<string | null> {
  const response = await call('/chat/completions', {
    method: 'POST',
    signal,
    body: JSON.stringify({
      model: 'grok-imagine-1.0-video',
      stream: true,
      messages: [{ role: 'user', content }],
      video_config: {
        aspect_ratio: value('#video-ratio'),
        video_length: Number(value('#video-length')),
        resolution_name: value('#video-resolution'),
        preset: value('#video-preset'),
      },
    }),
  });
  if (response.status === 202) {
    progress.hidden = true;
    videoStatus(probeText(await response.json()), 'probe');
    return null;
  }
  let answer = '';
  for await (const chunk of events(response)) {
    const delta = chunk.choices?.[0]?.delta || {};
    const percent = /progress=(\d+)%/.exec(delta.reasoning_content || '');
    if (percent) {
      progress.value = Number(percent[1]);
      videoStatus(t('videoProgress', { n: percent[1] }));
    }
    if (delta.content) answer += delta.content;
  }
  const url = VIDEO_URL.exec(answer);
  if (!url) throw new Error(t('noVideo'));
  return url[1]!;
}

$('#video-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const prompt = value('#video-prompt').trim();
  if (!prompt || videoController) return;
  const content = await messageContent(prompt);
  const controller = new AbortController();
  videoController = controller;
  $<HTMLButtonElement>('#video-start').disabled = true;
  $<HTMLButtonElement>('#video-stop').disabled = false;
  $('#video-result').hidden = true;
  const progress = $<HTMLProgressElement>('#video-progress');
  progress.hidden = false;
  progress.value = 0;
  videoStatus(t('generating'), 'running');
  try {
    const url = await generate(content, controller.signal, progress);
    if (url === null) return;
    progress.value = 100;
    $<HTMLVideoElement>('#video-player').src = url;
    $<HTMLAnchorElement>('#video-download').href = url;
    $('#video-result').hidden = false;
    videoStatus(t('videoReady'), 'done');
  } catch (error) {
    const aborted = error instanceof Error && error.name === 'AbortError';
    videoStatus(aborted ? t('stopped') : t('failed', { reason: messageOf(error) }), 'failed');
  } finally {
    videoController = null;
    $<HTMLButtonElement>('#video-start').disabled = false;
    $<HTMLButtonElement>('#video-stop').disabled = true;
  }
});
$('#video-stop').addEventListener('click', () => videoController?.abort());

registerView('video', {
  show() {
    $('#video-prompt').focus();
  },
});
