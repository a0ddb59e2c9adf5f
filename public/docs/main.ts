/**
 * Starts Swagger UI (embedded in the binary, no CDN) on the gateway's own OpenAPI document. A
 * bundle of its own (src/http/browser-bundle.ts) because the page's Content-Security-Policy allows
 * no inline script. Swagger UI's bundle is a separate file loaded first; it defines
 * `window.SwaggerUIBundle`.
 */

export {};

declare global {
  interface Window {
    SwaggerUIBundle: (options: Record<string, unknown>) => unknown;
  }
}

window.addEventListener('DOMContentLoaded', () => {
  window.SwaggerUIBundle({
    url: '/docs/json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Keys typed into "Authorize" stay in this tab only.
    persistAuthorization: false,
    // No call to the public validator service: the page works offline and sends the document nowhere.
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
