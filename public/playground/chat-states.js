// How a chat turn ends, as one presentation object per state: the assistant message, the status
// bar and the toast are all drawn from it, so they can never disagree. Pure: no DOM, no clock.
(() => {
  /** Every action button looks the same wherever it appears: one label, icon, title and aria-label. */
  const ACTIONS = {
    copy: { icon: '❏', label: 'actionCopy', title: 'actionCopyTitle' },
    edit: { icon: '✎', label: 'actionEdit', title: 'actionEditTitle' },
    feedback: { icon: '♡', label: 'actionFeedback', title: 'actionFeedbackTitle' },
    regenerate: { icon: '↻', label: 'actionRegenerate', title: 'actionRegenerateTitle' },
    // Retry is the recommended way out of a failure, so it is the emphasised one.
    retry: { icon: '↻', label: 'actionRetry', title: 'actionRetryTitle', emphasised: true },
    details: { icon: 'ⓘ', label: 'actionDetails', title: 'actionDetailsTitle' },
  };

  const SUCCEEDED = ['copy', 'edit', 'feedback'];
  const FAILED = ['retry', 'details', 'edit'];

  /**
   * state: running | deferred | success | probe | cancelled | first-byte-timeout | total-timeout | failed.
   * detail: { bridge, error, status, trace, seconds }. Returns { state, tone, terminal, label, status, toast, actions }.
   */
  function presentTurn(state, detail, t) {
    const bridge = detail?.bridge ? ` · ${t('bridgeMode', { mode: detail.bridge })}` : '';
    const make = (tone, terminal, labelKey, statusText, actions) => {
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
        return make(
          'error',
          true,
          'turnFirstByteTimeout',
          t('turnFirstByteTimeoutHint', { n: detail.seconds }),
          FAILED,
        );
      case 'total-timeout':
        return make('error', true, 'turnTotalTimeout', t('turnTotalTimeoutHint', { n: detail.seconds }), FAILED);
      default:
        return make('error', true, 'turnFailed', detail?.error ? detail.error : '', FAILED);
    }
  }

  window.chatStates = { ACTIONS, presentTurn };
})();
