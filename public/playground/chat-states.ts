import type { StringKey, Translate } from '../common/i18n';
import type { IconName } from '../common/icons';

/**
 * How a chat turn ends, as one presentation object per state: the assistant message, the status
 * bar and the toast are all drawn from it, so they can never disagree. Pure: no DOM, no clock.
 */

export type TurnState =
  | 'running'
  | 'deferred'
  | 'success'
  | 'probe'
  | 'cancelled'
  | 'first-byte-timeout'
  | 'total-timeout'
  | 'failed';

export type ActionName = 'copy' | 'edit' | 'feedback' | 'regenerate' | 'retry' | 'details';

export interface TurnAction {
  icon: IconName;
  label: StringKey;
  title: StringKey;
  emphasised?: boolean;
}

/** Every action button looks the same wherever it appears: one label, icon, title and aria-label. */
export const ACTIONS: Record<ActionName, TurnAction> = {
  copy: { icon: 'copy', label: 'actionCopy', title: 'actionCopyTitle' },
  edit: { icon: 'edit', label: 'actionEdit', title: 'actionEditTitle' },
  feedback: { icon: 'feedback', label: 'actionFeedback', title: 'actionFeedbackTitle' },
  regenerate: { icon: 'refresh', label: 'actionRegenerate', title: 'actionRegenerateTitle' },
  // Retry is the recommended way out of a failure, so it is the emphasised one.
  retry: { icon: 'retry', label: 'actionRetry', title: 'actionRetryTitle', emphasised: true },
  details: { icon: 'details', label: 'actionDetails', title: 'actionDetailsTitle' },
};

const SUCCEEDED: ActionName[] = ['copy', 'edit', 'feedback'];
const FAILED: ActionName[] = ['retry', 'details', 'edit'];

export interface TurnDetail {
  bridge?: string;
  error?: string;
  status?: number;
  trace?: string;
  seconds?: number;
  retryAfter?: string;
}

export interface TurnPresentation {
  state: TurnState;
  tone: 'info' | 'warn' | 'ok' | 'error';
  terminal: boolean;
  label: string;
  status: string;
  toast: string;
  actions: ActionName[];
}

export function presentTurn(state: TurnState, detail: TurnDetail, t: Translate): TurnPresentation {
  const bridge = detail?.bridge ? ` · ${t('bridgeMode', { mode: detail.bridge })}` : '';
  const make = (
    tone: TurnPresentation['tone'],
    terminal: boolean,
    labelKey: StringKey,
    statusText: string,
    actions: ActionName[],
  ): TurnPresentation => {
    const label = t(labelKey);
    return {
      state,
      tone,
      terminal,
      label,
      status: label + (statusText ? `: ${statusText}` : '') + bridge,
      toast: label + (statusText ? `: ${statusText}` : ''),
      actions,
    };
  };
  switch (state) {
    case 'running':
      return make('info', false, 'turnRunning', '', []);
    case 'deferred':
      return make('warn', false, 'turnDeferred', t('turnDeferredHint'), []);
    case 'success':
      return make('ok', true, 'turnSuccess', '', SUCCEEDED);
    case 'probe':
      return make('info', true, 'turnProbe', t('probeHint'), ['copy', 'edit']);
    case 'cancelled':
      return make('warn', true, 'turnCancelled', t('turnCancelledHint'), FAILED);
    case 'first-byte-timeout':
      return make('error', true, 'turnFirstByteTimeout', t('turnFirstByteTimeoutHint', { n: detail.seconds }), FAILED);
    case 'total-timeout':
      return make('error', true, 'turnTotalTimeout', t('turnTotalTimeoutHint', { n: detail.seconds }), FAILED);
    default:
      return make('error', true, 'turnFailed', detail?.error ? detail.error : '', FAILED);
  }
}
