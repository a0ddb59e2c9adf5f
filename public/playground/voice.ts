import { $ } from '../common/dom';
import { type StringKey, t } from '../common/i18n';
import { registerView } from '../common/router';
import { CallFailure, call } from './api';
import { pageOf } from './manifest';

/**
 * #voice: the gateway brokers a LiveKit token (§15); audio flows between this page and LiveKit.
 * LiveKit's own browser client is a separate embedded file (livekit-client.js, its UMD build) that
 * the page loads before this bundle; it defines `window.LivekitClient`.
 */

declare global {
  interface Window {
    LivekitClient: typeof import('livekit-client');
  }
}

type Room = InstanceType<Window['LivekitClient']['Room']>;
let voiceRoom: Room | null = null;
let voiceHost = '';

function voiceState(key: StringKey, state: string, extra?: Record<string, unknown>): void {
  $('#voice-status').textContent = t(key, extra);
  $('#voice-status').dataset.state = state;
}

async function hangUp(): Promise<void> {
  const room = voiceRoom;
  voiceRoom = null;
  if (room) await room.disconnect().catch(() => {});
  $('#voice-audio').replaceChildren();
  $<HTMLButtonElement>('#voice-start').disabled = false;
  $<HTMLButtonElement>('#voice-stop').disabled = true;
}

/** A failure in words a person can act on; the technical text stays in the console for whoever needs it. */
function voiceProblem(error: unknown): string {
  console.info('voice:', error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError') return t('voiceMicDenied');
  if (name === 'NotFoundError') return t('voiceNoMic');
  if (error instanceof CallFailure) return t('voiceNoToken', { reason: error.message });
  return t('voiceUnreachable', { host: voiceHost || 'LiveKit' });
}

async function connect(): Promise<void> {
  const query = new URLSearchParams({
    voice: $<HTMLSelectElement>('#voice-voice').value,
    personality: $<HTMLSelectElement>('#voice-personality').value,
    speed: $<HTMLSelectElement>('#voice-speed').value,
  });
  const { token, url } = (await (await call(`/voice/token?${query}`, { method: 'GET' })).json()) as {
    token: string;
    url: string;
  };
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
}

$('#voice-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await hangUp();
  $<HTMLButtonElement>('#voice-start').disabled = true;
  $<HTMLButtonElement>('#voice-stop').disabled = false;
  voiceState('voiceToken', 'token');
  try {
    await connect();
  } catch (error) {
    voiceState('failed', 'failed', { reason: voiceProblem(error) });
    await hangUp();
  }
});
$('#voice-stop').addEventListener('click', async () => {
  await hangUp();
  voiceState('voiceEnded', 'ended');
});

registerView('voice', {
  show() {
    // A deployment without voice (the demo, the edge Worker) says so instead of offering a button that fails.
    const page = pageOf('voice');
    const off = Boolean(page && page.available === false);
    $<HTMLButtonElement>('#voice-start').disabled = off || Boolean(voiceRoom);
    if (off) voiceState('voiceUnavailable', 'unavailable');
    $('#voice-voice').focus();
  },
});
