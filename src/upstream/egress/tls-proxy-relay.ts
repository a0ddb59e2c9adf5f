import { createServer, isIP, type Server } from 'node:net';
import { connect } from 'node:tls';

/**
 * `proxy.skip_proxy_ssl_verify` for an https:// proxy: Bun's fetch cannot be told to trust one
 * proxy's certificate, so the gateway talks plain HTTP-proxy to this loopback relay, which opens
 * the TLS connection to the proxy without verifying it and passes bytes both ways. Only the hop to
 * the proxy is unverified; TLS to the upstream inside the CONNECT tunnel is verified as usual.
 */
export class TlsProxyRelay {
  private constructor(
    private readonly server: Server,
    readonly proxyUrl: string,
  ) {}

  static async start(target: URL): Promise<TlsProxyRelay> {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || 443);
    // Credentials in the URL stay with the relay's callers: Bun sends Proxy-Authorization itself.
    const server = createServer((client) => {
      let upstream: ReturnType<typeof connect>;
      try {
        // SNI carries host names only, never an address.
        upstream = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
      } catch {
        client.destroy();
        return;
      }
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    const address = server.address();
    const relayPort = typeof address === 'object' && address ? address.port : 0;
    const local = new URL(`http://127.0.0.1:${relayPort}`);
    local.username = target.username;
    local.password = target.password;
    return new TlsProxyRelay(server, local.toString().replace(/\/$/, ''));
  }

  close(): void {
    this.server.close();
  }
}
