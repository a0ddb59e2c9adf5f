/**
 * Rounds of a video longer than one clip (docs/upstream-protocol.md §13.3, P1 column):
 * Basic accounts render 6 s rounds; Super accounts 10 s rounds when the target is at least 10 s.
 * Round i ends at min(target, segment·(i+1)) and starts one segment earlier, so the last round
 * may overlap the previous one instead of rendering a short clip.
 */
export interface VideoRound {
  index: number;
  length: number;
  /** 0 for the first round; the extension start time otherwise. */
  startTime: number;
  endTime: number;
}

export function planRounds(targetSeconds: number, superAccount: boolean): VideoRound[] {
  const segment = superAccount && targetSeconds >= 10 ? 10 : 6;
  const count = 1 + Math.max(0, Math.ceil((targetSeconds - segment) / segment));
  return Array.from({ length: count }, (_, index) => {
    const endTime = Math.min(targetSeconds, segment * (index + 1));
    return { index, length: segment, startTime: index === 0 ? 0 : endTime - segment, endTime };
  });
}

/** Basic accounts cannot render 720p: they render 480p and upscale (§13.3, §13.5). */
export function renderResolution(requested: string, superAccount: boolean): { render: string; upscale: boolean } {
  if (requested === '720p' && !superAccount) return { render: '480p', upscale: true };
  return { render: requested, upscale: false };
}
