/**
 * What the current web release ("G", docs/upstream-protocol.md §2) sends, one entry per kind of
 * upstream request: header names in order and casing, expected values, cookie names in order,
 * and top-level body keys. The one place to change when the protocol notes change; the
 * wire-fidelity test compares captured traffic against it.
 *
 * Header order is Chrome's for a page's fetch() and for a WebSocket handshake (the notes give
 * the sets, not the order): cache headers first, then User-Agent, the page's own headers,
 * Accept, Origin, the Sec-Fetch trio, Referer, encodings, language, Cookie, Priority. Names are
 * written as Chrome writes them on HTTP/1.1; on HTTP/2 every name is lower-case.
 */

export const RELEASE_G_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36';
/** Chrome 146's own brand list (§4.6). */
const CHROME_146_BRANDS = '"Chromium";v="146", "Not-A.Brand";v="24", "Google Chrome";v="146"';
const ACCEPT_LANGUAGE = 'zh-CN,zh;q=0.9,en;q=0.8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export type Expected = string | RegExp;

export interface GoldenRequest {
  /** docs/upstream-protocol.md sections the entry follows. */
  sections: string[];
  method: 'GET' | 'POST';
  path: string;
  /** Header names in wire order (transport headers such as Host and Content-Length excluded). */
  headers: string[];
  /** Expected values by lower-case name; names listed in `headers` but not here must only be present. */
  values: Record<string, Expected>;
  /** Cookie names in order. */
  cookies: string[];
  /** Top-level keys of a JSON body, in order. */
  bodyKeys?: string[];
  /** Form field names of a multipart body, in order. */
  formFields?: string[];
}

/** §4.3: the current set of a REST JSON call. */
const REST_JSON = [
  'Pragma',
  'Cache-Control',
  'User-Agent',
  'Content-Type',
  'x-statsig-id',
  'x-xai-request-id',
  'Accept',
  'Origin',
  'Sec-Fetch-Site',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Dest',
  'Referer',
  'Accept-Encoding',
  'Accept-Language',
  'Cookie',
  'Priority',
];

const restValues = (origin: string, referer: string): Record<string, Expected> => ({
  pragma: 'no-cache',
  'cache-control': 'no-cache',
  'user-agent': RELEASE_G_USER_AGENT,
  'content-type': 'application/json',
  'x-xai-request-id': UUID,
  accept: '*/*',
  origin,
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  referer,
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': ACCEPT_LANGUAGE,
  priority: 'u=1, i',
});

/** The account's cookie with the Cloudflare cookies the test configures (§4.2). */
const REST_COOKIES = ['sso', 'sso-rw', 'cf_clearance', '__cf_bm'];

/** §7.3 (P3 / G-early form, which G keeps for REST). */
const CHAT_BODY = [
  'collectionIds',
  'disabledConnectorIds',
  'deviceEnvInfo',
  'disableMemory',
  'disableSearch',
  'disableSelfHarmShortCircuit',
  'disableTextFollowUps',
  'enableImageGeneration',
  'enableImageStreaming',
  'enableSideBySide',
  'fileAttachments',
  'forceConcise',
  'forceSideBySide',
  'imageAttachments',
  'imageGenerationCount',
  'isAsyncChat',
  'message',
  'modeId',
  'responseMetadata',
  'returnImageBytes',
  'returnRawGrokInXaiRequest',
  'sendFinalMetadata',
  'temporary',
];

/** §4.7: the handshake headers we set; the socket client adds Host, Upgrade and Sec-WebSocket-*. */
const SOCKET = ['Pragma', 'Cache-Control', 'User-Agent', 'Origin', 'Accept-Language', 'Cookie'];

const socketValues = (origin: string): Record<string, Expected> => ({
  pragma: 'no-cache',
  'cache-control': 'no-cache',
  'user-agent': RELEASE_G_USER_AGENT,
  origin,
  'accept-language': ACCEPT_LANGUAGE,
});

export type RequestKind =
  | 'chat-rest'
  | 'chat-socket'
  | 'session'
  | 'upload-chat'
  | 'upload-imagine'
  | 'rate-limits'
  | 'imagine-socket'
  | 'image-edit'
  | 'video-turn'
  | 'statsig-page'
  | 'asset-download';

export function releaseG(origin: string): Record<RequestKind, GoldenRequest> {
  const home = `${origin}/`;
  const imagine = `${origin}/imagine`;
  return {
    'chat-rest': {
      sections: ['§4.3', '§7.1', '§7.3', '§10.2'],
      method: 'POST',
      path: '/rest/app-chat/conversations/new',
      headers: REST_JSON,
      values: restValues(origin, home),
      cookies: REST_COOKIES,
      bodyKeys: CHAT_BODY,
    },
    'chat-socket': {
      sections: ['§4.7', '§8.1'],
      method: 'GET',
      path: '/ws/mgw/',
      headers: SOCKET,
      values: socketValues(origin),
      cookies: [...REST_COOKIES, 'x-userid'],
    },
    session: {
      sections: ['§4.3', '§4.6', '§6'],
      method: 'GET',
      path: '/api/auth/session',
      headers: [
        'Pragma',
        'Cache-Control',
        'sec-ch-ua-platform',
        'User-Agent',
        'sec-ch-ua',
        'sec-ch-ua-mobile',
        'sec-ch-ua-arch',
        'sec-ch-ua-bitness',
        'sec-ch-ua-model',
        'Accept',
        'Sec-Fetch-Site',
        'Sec-Fetch-Mode',
        'Sec-Fetch-Dest',
        'Referer',
        'Accept-Encoding',
        'Accept-Language',
        'Cookie',
        'Priority',
      ],
      values: {
        ...restValues(origin, home),
        'sec-ch-ua-platform': '"macOS"',
        'sec-ch-ua': CHROME_146_BRANDS,
        'sec-ch-ua-mobile': '?0',
        'sec-ch-ua-arch': '"x86"',
        'sec-ch-ua-bitness': '"64"',
        'sec-ch-ua-model': '""',
      },
      cookies: REST_COOKIES,
    },
    'upload-chat': {
      sections: ['§11.2'],
      method: 'POST',
      path: '/http/upload-file-v2/direct',
      headers: REST_JSON.filter((name) => name !== 'x-statsig-id' && name !== 'x-xai-request-id'),
      values: {
        ...restValues(origin, home),
        'content-type': /^multipart\/form-data; boundary=----WebKitFormBoundary[0-9A-Za-z]{16}$/,
      },
      cookies: REST_COOKIES,
      formFields: ['file'],
    },
    'upload-imagine': {
      sections: ['§11.2', '§12.4'],
      method: 'POST',
      path: '/http/upload-file-v2/direct',
      headers: REST_JSON.filter((name) => name !== 'x-statsig-id' && name !== 'x-xai-request-id'),
      values: {
        ...restValues(origin, imagine),
        'content-type': /^multipart\/form-data; boundary=----WebKitFormBoundary[0-9A-Za-z]{16}$/,
      },
      cookies: REST_COOKIES,
      formFields: ['file', 'file_source'],
    },
    'rate-limits': {
      sections: ['§4.3', '§14.1'],
      method: 'POST',
      path: '/rest/rate-limits',
      headers: REST_JSON,
      values: restValues(origin, home),
      cookies: REST_COOKIES,
      bodyKeys: ['modelName'],
    },
    'imagine-socket': {
      sections: ['§4.7', '§12.1'],
      method: 'GET',
      path: '/ws/imagine/listen',
      headers: SOCKET,
      values: socketValues(origin),
      cookies: REST_COOKIES,
    },
    'image-edit': {
      sections: ['§4.3', '§12.4'],
      method: 'POST',
      path: '/rest/app-chat/conversations/new',
      headers: REST_JSON,
      values: restValues(origin, imagine),
      cookies: REST_COOKIES,
      bodyKeys: [
        'modelName',
        'message',
        'enableImageStreaming',
        'enableSideBySide',
        'sendFinalMetadata',
        'mediaGenInput',
      ],
    },
    // Video: G's text-to-video is one `mediaGenInput.textToVideo` turn (§13.1), no media post.
    'video-turn': {
      sections: ['§4.3', '§13.1'],
      method: 'POST',
      path: '/rest/app-chat/conversations/new',
      headers: REST_JSON,
      values: restValues(origin, imagine),
      cookies: REST_COOKIES,
    },
    'statsig-page': {
      sections: ['§4.4'],
      method: 'GET',
      path: '/index',
      headers: [
        'Pragma',
        'Cache-Control',
        'Upgrade-Insecure-Requests',
        'User-Agent',
        'Accept',
        'Sec-Fetch-Site',
        'Sec-Fetch-Mode',
        'Sec-Fetch-Dest',
        'Accept-Encoding',
        'Accept-Language',
        'Cookie',
        'Priority',
      ],
      values: {
        pragma: 'no-cache',
        'cache-control': 'no-cache',
        'upgrade-insecure-requests': '1',
        'user-agent': RELEASE_G_USER_AGENT,
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'accept-encoding': 'gzip, deflate, br, zstd',
        'accept-language': ACCEPT_LANGUAGE,
        priority: 'u=0, i',
      },
      cookies: REST_COOKIES,
    },
    'asset-download': {
      sections: ['§4.8'],
      method: 'GET',
      path: '/users/',
      headers: ['User-Agent', 'x-xai-request-id', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Cookie'],
      values: {
        'user-agent': RELEASE_G_USER_AGENT,
        'x-xai-request-id': UUID,
        accept: '*/*',
        'accept-encoding': 'gzip, deflate, br, zstd',
        'accept-language': ACCEPT_LANGUAGE,
      },
      cookies: REST_COOKIES,
    },
  };
}
