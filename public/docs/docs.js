// Starts Swagger UI (embedded in the binary, no CDN) on the gateway's own OpenAPI document.
// In a file of its own because the page's Content-Security-Policy allows no inline script.
window.addEventListener('DOMContentLoaded', () => {
  window.ui = window.SwaggerUIBundle({
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
