import path from 'node:path';
import express from 'express';
import type { RequestHandler, Router } from 'express';

/**
 * The page may run Swagger UI's script and its own, from this API only; Swagger UI sets style
 * attributes and draws icons from data: URLs, hence those two. Everything else stays as strict as
 * on the JSON routes (src/api/security-headers.ts), and "Try it out" may call this API only.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Found by Node's resolution, like any dependency (the package ships no types to import it by). */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** What the page loads of swagger-ui-dist: nothing else of the package is served. */
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png']);

/** Swagger UI's start, as a file: the CSP allows no inline script. */
const initScript = (specUrl: string) =>
  `window.ui = SwaggerUIBundle(${JSON.stringify({ url: specUrl, dom_id: '#swagger-ui', deepLinking: true })});\n`;

const page = (base: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>signal-push API</title>
<link rel="icon" href="${base}/favicon-32x32.png">
<link rel="stylesheet" href="${base}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/init.js"></script>
</body>
</html>
`;

/**
 * `GET /docs`: the OpenAPI document rendered by Swagger UI, served from node_modules (the machines
 * the API runs on may have no internet, and a CDN would be a third party on an operator's page).
 */
export function docsPage(specPath: string): Router {
  const router = express.Router();
  const csp: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  };
  router.use(csp);
  router.get('/', (req, res) => {
    res.type('html').send(page(req.baseUrl));
  });
  // Assets as middleware, not routes: they are the page's parts, not API operations.
  const files = express.static(SWAGGER_UI_DIR, { index: false, fallthrough: false });
  router.use((req, res, next) => {
    const name = path.posix.basename(req.path);
    if (req.method !== 'GET' || req.path !== `/${name}`) return next();
    if (name === 'init.js') return void res.type('js').send(initScript(specPath));
    if (ASSETS.has(name)) return files(req, res, next);
    next();
  });
  return router;
}
