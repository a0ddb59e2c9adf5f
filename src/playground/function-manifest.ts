/**
 * The function-page manifest (`GET /v1/function/manifest`): which playground pages exist and how
 * each one reaches a backend. The main server and the edge Worker (edge/worker.ts) both answer it,
 * so the same pages work behind either; the pages read it on load to show their initial status.
 */

export type FunctionPageMode = 'backend-forward-ready' | 'probe-only' | 'init-only';

export interface FunctionPage {
  id: 'chat' | 'imagine' | 'video' | 'voice';
  endpoint: string;
  mode: FunctionPageMode;
  /** Whether chat may stream; the edge chat bridge is non-streaming. */
  stream: boolean;
  /** Voice only: whether this deployment can broker a voice session at all. */
  available?: boolean;
}

export interface FunctionManifest {
  object: 'function.manifest';
  served_by: 'server' | 'edge';
  pages: FunctionPage[];
}

/**
 * `modes.voice` absent = no voice here (the edge Worker has no LiveKit broker; a server with an
 * empty voice.livekit_url has voice off): the page is listed so the playground can say so.
 */
export function functionManifest(
  servedBy: 'server' | 'edge',
  modes: Record<'chat' | 'imagine' | 'video', FunctionPageMode> & { voice?: FunctionPageMode },
): FunctionManifest {
  return {
    object: 'function.manifest',
    served_by: servedBy,
    pages: [
      { id: 'chat', endpoint: '/v1/function/chat/completions', mode: modes.chat, stream: servedBy === 'server' },
      { id: 'imagine', endpoint: '/v1/function/images/generations', mode: modes.imagine, stream: false },
      { id: 'video', endpoint: '/v1/function/chat/completions', mode: modes.video, stream: true },
      {
        id: 'voice',
        endpoint: '/v1/function/voice/token',
        mode: modes.voice ?? 'probe-only',
        stream: false,
        available: modes.voice !== undefined,
      },
    ],
  };
}
