// Console strings in English and Chinese. `t(key)` answers in the chosen language (saved in localStorage).
(function () {
  const strings = {
    en: {
      skip: 'Skip to content', password: 'Admin password', signIn: 'Sign in', signOut: 'Sign out', navAccounts: 'Accounts',
      defaultPassword: 'The admin password is still the default "grok2api". Change app.app_key now.',
      addImport: 'Add / import', searchPlaceholder: 'Search token, note, tag, reason', nsfw: 'NSFW', any: 'Any', yes: 'Yes', no: 'No', pool: 'Pool',
      clearSelection: 'Clear selection', actRefresh: 'Refresh quota', actEnable: 'Enable', actDisable: 'Disable', actDelete: 'Delete', actExport: 'Export', actEnableNsfw: 'Enable NSFW', actClearAssets: 'Clear online assets', onlineAssets: 'Online assets (files stored on grok.com per account)', findAccounts: 'Find accounts', clearAssetsMatching: 'Clear online assets of all matching', countAssets: 'Count', assetCount: '{n} assets', confirmClearAssets: 'Delete the files stored on grok.com of {n} account(s)?', noAccounts: 'No matching accounts.',
      run: 'Run', cancel: 'Cancel', token: 'Token', status: 'Status', quota: 'Quota', uses: 'Uses', lastUsed: 'Last used', lastSync: 'Last synced',
      tagsNote: 'Tags / note', actions: 'Actions', prev: 'Previous', next: 'Next', perPage: 'Per page',
      importHelp: 'Paste tokens (one per line) or a JSON / JSONL / token.json file', orFile: 'Or choose a file', close: 'Close', import: 'Import',
      editAccount: 'Edit account', tags: 'Tags (comma separated)', note: 'Note', save: 'Save',
      all: 'All', active: 'Active', cooling: 'Rate-limited', expired: 'Expired', disabled: 'Disabled',
      selected: '{n} selected', selectedAll: 'All {n} matching accounts selected', selectAllMatching: 'Select all {n} matching', noSelection: 'Nothing selected',
      pageInfo: '{from}–{to} of {total}', empty: 'No accounts match.', copy: 'Copy', copied: 'Copied', refresh: 'Refresh', enable: 'Enable', disable: 'Disable',
      edit: 'Edit', remove: 'Delete', never: 'never', confirmDelete: 'Delete {n} account(s)?', wrongPassword: 'Wrong password.', throttled: 'Too many attempts. Try again later.',
      importSummary: 'Added {added}, already present {merged}, repeated {repeated}, invalid {invalid}.', jobTitle: '{action}: {status}',
      jobDetail: '{processed} / {total} done, {failed} failed', saved: 'Saved', failed: 'Failed: {reason}', selectRow: 'Select account',
      navKeys: 'API keys', newKey: 'New key', keyName: 'Name', keyModels: 'Allowed models (none ticked = all)', keyRpm: 'Requests per minute (0 = no limit)',
      keyConcurrency: 'Concurrent requests (0 = no limit)', keyDaily: 'Requests per day (0 = no limit)', keyExpires: 'Expires (empty = never)', createKey: 'Create key',
      keyShownOnce: 'Copy this key now. It is not stored and will not be shown again.', done: 'Done', key: 'Key', limits: 'Limits', usage7d: 'Usage (7 days)',
      created: 'Created', revoke: 'Revoke', revoked: 'Revoked', allModels: 'all models', noLimit: 'no limit', confirmRevoke: 'Revoke key {name}? Clients using it stop working.',
      usageLine: '{requests} requests, {failed} failed', expiresOn: 'expires {date}', noKeys: 'No client keys yet. app.api_key keys work too.',
      navConfig: 'Config', reveal: 'Reveal', generate: 'Generate', nothingChanged: 'Nothing changed',
      configHint: 'Each section saves only the keys you changed. The server validates every value; nothing invalid is saved. Changes apply at once on every instance.',
      navDashboard: 'Dashboard', period: 'Period', requests: 'Requests', failedRequests: 'Failed', activeAccounts: 'Active accounts', quotaLeft: 'Quota left',
      chartOutcomes: 'Requests by outcome', chartModels: 'Requests by model', chartLatency: 'Latency', chartPoolHistory: 'Pool health over time',
      chartQuota: 'Remaining quota by pool', chartKeys: 'Top API keys', completed: 'Completed', mean: 'Mean', openApi: '(no key)',
      navMedia: 'Media', images: 'Images', videos: 'Videos', noMedia: 'Nothing cached.', selectFile: 'Select file', download: 'Download',
      deleteSelected: 'Delete selected ({n})', clearAll: 'Clear all', confirmDeleteFiles: 'Delete {n} file(s)?', confirmClear: 'Delete every cached file of this kind?',
      removedFiles: '{n} file(s) deleted',
      functionKey: 'Function key', navChat: 'Chat', navImagine: 'Imagine', navVideo: 'Video', navVoice: 'Voice', voice: 'Voice', personality: 'Personality', speed: 'Speed', voiceStart: 'Start talking', voiceStop: 'Hang up', voiceToken: 'Getting a voice token…', voiceConnecting: 'Connecting to LiveKit…', voiceConnected: 'Connected — speak now', voiceEnded: 'Call ended', newChat: 'New chat', model: 'Model', systemPrompt: 'System prompt',
      message: 'Message', messagePlaceholder: 'Message (Enter to send, Shift+Enter for a new line)', attach: 'Attach image', stop: 'Stop', send: 'Send',
      reasoning: 'Reasoning', attachment: 'Attachment', prompt: 'Prompt', ratio: 'Aspect ratio', parallel: 'Parallel tasks', continuous: 'Keep generating until stopped',
      length: 'Length (s)', resolution: 'Resolution', preset: 'Preset', reference: 'Reference image (URL or file, optional)', generating: 'Generating…',
      imagesSoFar: '{n} images so far', imagesDone: 'Done: {n} images', videoProgress: 'Rendering… {n}%', videoReady: 'Video ready', noVideo: 'The answer held no video link',
      stopped: 'Stopped',
      running: 'running', succeeded: 'finished', cancelled: 'cancelled', stalled: 'stalled (its instance stopped)',
      bridgeMode: 'bridge: {mode}', modeReady: 'Backend connected: ready', modeProbe: 'Probe only: no backend is configured; requests are checked and accepted, nothing is generated',
      modeInit: 'Init only: no backend is configured; requests are checked and accepted, nothing is generated', probeHint: 'no backend is configured, nothing was generated',
      turnRunning: 'Answering…', turnDeferred: 'Deferred', turnDeferredHint: 'a reply is still running; your message stays in the box until it ends',
      turnSuccess: 'Answered', turnProbe: 'Accepted (probe)', turnInitOnly: 'Accepted (init only)', turnCancelled: 'Cancelled', turnCancelledHint: 'you stopped this reply',
      turnFirstByteTimeout: 'No response', turnFirstByteTimeoutHint: 'nothing arrived within {n} s (first-byte timeout)',
      turnTotalTimeout: 'Timed out', turnTotalTimeoutHint: 'the reply did not finish within {n} s (total timeout)', turnFailed: 'Failed',
      actionCopy: 'Copy', actionCopyTitle: 'Copy this reply', actionEdit: 'Edit', actionEditTitle: 'Edit your message and send it again',
      actionFeedback: 'Feedback', actionFeedbackTitle: 'Mark this reply as helpful', actionRegenerate: 'Regenerate', actionRegenerateTitle: 'Ask for a new reply',
      actionRetry: 'Retry', actionRetryTitle: 'Retry this message', actionDetails: 'Details', actionDetailsTitle: 'Show what went wrong', copied: 'Copied',
    },
    zh: {
      skip: '跳到内容', password: '管理密码', signIn: '登录', signOut: '退出', navAccounts: '账号',
      defaultPassword: '管理密码仍是默认的 "grok2api"，请立即修改 app.app_key。',
      addImport: '添加 / 导入', searchPlaceholder: '搜索令牌、备注、标签、原因', nsfw: 'NSFW', any: '全部', yes: '是', no: '否', pool: '池',
      clearSelection: '清除选择', actRefresh: '刷新额度', actEnable: '启用', actDisable: '禁用', actDelete: '删除', actExport: '导出', actEnableNsfw: '开启 NSFW', actClearAssets: '清除在线资产', onlineAssets: '在线资产（每个账号存放在 grok.com 的文件）', findAccounts: '查找账号', clearAssetsMatching: '清除所有匹配账号的在线资产', countAssets: '统计', assetCount: '{n} 个资产', confirmClearAssets: '删除 {n} 个账号存放在 grok.com 的文件？', noAccounts: '没有匹配的账号。',
      run: '执行', cancel: '取消', token: '令牌', status: '状态', quota: '额度', uses: '使用次数', lastUsed: '最近使用', lastSync: '最近同步',
      tagsNote: '标签 / 备注', actions: '操作', prev: '上一页', next: '下一页', perPage: '每页',
      importHelp: '粘贴令牌（每行一个）或 JSON / JSONL / token.json 文件', orFile: '或选择文件', close: '关闭', import: '导入',
      editAccount: '编辑账号', tags: '标签（逗号分隔）', note: '备注', save: '保存',
      all: '全部', active: '正常', cooling: '限流中', expired: '已失效', disabled: '已禁用',
      selected: '已选 {n} 个', selectedAll: '已选中全部 {n} 个匹配账号', selectAllMatching: '选择全部 {n} 个匹配账号', noSelection: '未选择',
      pageInfo: '第 {from}–{to} 个，共 {total} 个', empty: '没有匹配的账号。', copy: '复制', copied: '已复制', refresh: '刷新', enable: '启用', disable: '禁用',
      edit: '编辑', remove: '删除', never: '从未', confirmDelete: '删除 {n} 个账号？', wrongPassword: '密码错误。', throttled: '尝试次数过多，请稍后再试。',
      importSummary: '新增 {added}，已存在 {merged}，重复 {repeated}，无效 {invalid}。', jobTitle: '{action}：{status}',
      jobDetail: '已完成 {processed} / {total}，失败 {failed}', saved: '已保存', failed: '失败：{reason}', selectRow: '选择账号',
      navKeys: 'API 密钥', newKey: '新建密钥', keyName: '名称', keyModels: '允许的模型（不勾选 = 全部）', keyRpm: '每分钟请求数（0 = 不限）',
      keyConcurrency: '并发请求数（0 = 不限）', keyDaily: '每日请求数（0 = 不限）', keyExpires: '过期日期（空 = 永不）', createKey: '创建密钥',
      keyShownOnce: '请立即复制此密钥。它不会被保存，也不会再次显示。', done: '完成', key: '密钥', limits: '限制', usage7d: '用量（7 天）',
      created: '创建时间', revoke: '吊销', revoked: '已吊销', allModels: '全部模型', noLimit: '不限', confirmRevoke: '吊销密钥 {name}？使用它的客户端将停止工作。',
      usageLine: '{requests} 次请求，{failed} 次失败', expiresOn: '{date} 过期', noKeys: '还没有客户端密钥。app.api_key 中的密钥同样可用。',
      navConfig: '配置', reveal: '显示', generate: '生成', nothingChanged: '没有改动',
      configHint: '每个分组只保存你改动的键。服务器会校验每个值，无效的值不会被保存。改动会立即在所有实例生效。',
      navDashboard: '仪表盘', period: '时间范围', requests: '请求数', failedRequests: '失败', activeAccounts: '可用账号', quotaLeft: '剩余额度',
      chartOutcomes: '请求结果', chartModels: '按模型的请求', chartLatency: '延迟', chartPoolHistory: '账号池状态变化',
      chartQuota: '各池剩余额度', chartKeys: '请求最多的 API 密钥', completed: '成功', mean: '平均', openApi: '（无密钥）',
      navMedia: '媒体', images: '图片', videos: '视频', noMedia: '没有缓存。', selectFile: '选择文件', download: '下载',
      deleteSelected: '删除所选（{n}）', clearAll: '全部清除', confirmDeleteFiles: '删除 {n} 个文件？', confirmClear: '删除此类型的全部缓存文件？',
      removedFiles: '已删除 {n} 个文件',
      functionKey: '功能密钥', navChat: '对话', navImagine: '图片', navVideo: '视频', navVoice: '语音', voice: '声音', personality: '人格', speed: '语速', voiceStart: '开始通话', voiceStop: '挂断', voiceToken: '正在获取语音令牌…', voiceConnecting: '正在连接 LiveKit…', voiceConnected: '已连接，请说话', voiceEnded: '通话已结束', newChat: '新对话', model: '模型', systemPrompt: '系统提示词',
      message: '消息', messagePlaceholder: '消息（Enter 发送，Shift+Enter 换行）', attach: '附加图片', stop: '停止', send: '发送',
      reasoning: '思考过程', attachment: '附件', prompt: '提示词', ratio: '宽高比', parallel: '并行任务', continuous: '持续生成直到停止',
      length: '时长（秒）', resolution: '分辨率', preset: '预设', reference: '参考图（URL 或文件，可选）', generating: '生成中…',
      imagesSoFar: '已生成 {n} 张', imagesDone: '完成：{n} 张', videoProgress: '渲染中… {n}%', videoReady: '视频已就绪', noVideo: '回答中没有视频链接',
      stopped: '已停止',
      running: '进行中', succeeded: '已完成', cancelled: '已取消', stalled: '已停滞（所在实例已停止）',
      bridgeMode: '桥接：{mode}', modeReady: '已连接后端：就绪', modeProbe: '仅探测：未配置后端；请求会被校验并接受，不会生成内容',
      modeInit: '仅初始化：未配置后端；请求会被校验并接受，不会生成内容', probeHint: '未配置后端，未生成任何内容',
      turnRunning: '回答中…', turnDeferred: '已推迟', turnDeferredHint: '上一条回复仍在进行；你的消息保留在输入框中，待其结束后再发送',
      turnSuccess: '已回答', turnProbe: '已接受（探测）', turnInitOnly: '已接受（仅初始化）', turnCancelled: '已取消', turnCancelledHint: '你停止了此回复',
      turnFirstByteTimeout: '无响应', turnFirstByteTimeoutHint: '{n} 秒内没有收到任何内容（首字节超时）',
      turnTotalTimeout: '已超时', turnTotalTimeoutHint: '回复未在 {n} 秒内完成（总超时）', turnFailed: '失败',
      actionCopy: '复制', actionCopyTitle: '复制此回复', actionEdit: '编辑', actionEditTitle: '编辑你的消息并重新发送',
      actionFeedback: '反馈', actionFeedbackTitle: '标记此回复有帮助', actionRegenerate: '重新生成', actionRegenerateTitle: '重新生成回复',
      actionRetry: '重试', actionRetryTitle: '重试此消息', actionDetails: '详情', actionDetailsTitle: '查看出错原因', copied: '已复制',
    },
  };
  Object.assign(strings.en, {
    defaultPassword: 'The admin password is still the default "grok2api".', changePassword: 'Change it now',
    navPlayground: 'Playground', navDocs: 'API docs', navConsole: 'Console',
    noAccountsYet: 'No accounts yet. Import Grok account tokens and the gateway starts serving requests.',
    imagesPerBatch: 'Images per batch', continuous: 'Keep generating, one batch at a time (at most 10 batches)',
    imagineBatch: 'Batch {batch} of at most {max}: {n} images so far', imagineCapped: 'Stopped after {max} batches: {n} images',
    imagineStopped: 'Stopped: {n} images', imagineNoAccount: 'Stopped after {n} images: {reason}',
    otherModels: 'other ({n} models)', noRequestsYet: 'No requests in this period yet. Send one from the playground or with curl.',
    noAccountsForChart: 'No accounts yet: import some on the Accounts page.',
    unchecked: 'Unchecked', uncheckedHint: 'Not synced with Grok yet: state and quota are unknown until the first refresh.',
    refreshed: 'Refreshed', enabled: 'Enabled', disabledDone: 'Disabled', deleted: 'Deleted',
    rejectedLines: 'Not imported (the text is not shown, it may be secret):',
    allOfFamily: 'all', alsoNamed: '+{n} alias(es)',
    firstKeyWarning: 'While no key exists, /v1 answers anyone who can reach this port. The first key you create closes /v1 to callers without a key.',
    firstKeyConfirm: 'This is the first API key: from now on every /v1 call needs a key (the demo curl included). Create it?',
    family_chat: 'Chat', family_image: 'Image', family_video: 'Video', reasoningLive: 'Thinking…',
    importAccounts: 'Import accounts', passwordChanged: 'Password changed; you are signed in with the new one.',
  });
  Object.assign(strings.zh, {
    defaultPassword: '管理密码仍是默认的 "grok2api"。', changePassword: '立即修改',
    navPlayground: '试用台', navDocs: 'API 文档', navConsole: '控制台',
    noAccountsYet: '还没有账号。导入 Grok 账号令牌后，网关即可开始处理请求。',
    imagesPerBatch: '每批图片数', continuous: '持续生成，每次一批（最多 10 批）',
    imagineBatch: '第 {batch} 批（最多 {max} 批）：已生成 {n} 张', imagineCapped: '已达 {max} 批上限，停止：共 {n} 张',
    imagineStopped: '已停止：共 {n} 张', imagineNoAccount: '生成 {n} 张后停止：{reason}',
    otherModels: '其他（{n} 个模型）', noRequestsYet: '此时段还没有请求。可在试用台或用 curl 发送一个。',
    noAccountsForChart: '还没有账号：请在账号页导入。',
    unchecked: '未检查', uncheckedHint: '尚未与 Grok 同步：首次刷新前状态和额度未知。',
    refreshed: '已刷新', enabled: '已启用', disabledDone: '已禁用', deleted: '已删除',
    rejectedLines: '未导入（内容不显示，可能是密钥）：',
    allOfFamily: '全部', alsoNamed: '+{n} 个别名',
    firstKeyWarning: '尚无密钥时，任何能访问此端口的人都可调用 /v1。创建第一个密钥后，不带密钥的调用将被拒绝。',
    firstKeyConfirm: '这是第一个 API 密钥：此后每个 /v1 调用都需要密钥（包括演示用的 curl）。确定创建？',
    family_chat: '对话', family_image: '图片', family_video: '视频', reasoningLive: '思考中…',
    importAccounts: '导入账号', passwordChanged: '密码已修改，已用新密码重新登录。',
  });
  let language = localStorage.getItem('grok2api.language') === 'zh' ? 'zh' : 'en';
  function t(key, values) {
    let text = (strings[language] && strings[language][key]) || strings.en[key] || key;
    for (const [name, value] of Object.entries(values || {})) text = text.split('{' + name + '}').join(String(value));
    return text;
  }
  function apply(root) {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    for (const element of (root || document).querySelectorAll('[data-i18n]')) element.textContent = t(element.dataset.i18n);
    for (const element of (root || document).querySelectorAll('[data-i18n-placeholder]')) element.placeholder = t(element.dataset.i18nPlaceholder);
    for (const button of document.querySelectorAll('.lang-toggle')) button.textContent = language === 'zh' ? 'English' : '中文';
  }
  function toggle() {
    language = language === 'zh' ? 'en' : 'zh';
    localStorage.setItem('grok2api.language', language);
    apply();
  }
  window.i18n = { t, apply, toggle, get language() { return language; } };
})();
