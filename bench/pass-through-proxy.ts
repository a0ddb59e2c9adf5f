/**
 * The floor a gateway cannot beat: a minimal pass-through proxy with Bun's fetch. It forwards
 * method, path, headers and body to PROXY_UPSTREAM and streams the answer back unchanged — no
 * auth, no parsing, no translation. bench/chat.ts runs it beside the gateway in the same run.
 */
const upstream = process.env.PROXY_UPSTREAM;
if (!upstream) throw new Error('PROXY_UPSTREAM is required');

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.delete('host');
    const answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer(),
      decompress: false,
    } as RequestInit);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  },
});
console.log(`pass-through proxy listening on http://127.0.0.1:${server.port}`);
