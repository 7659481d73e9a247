import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";

/** The human-readable API reference: Redoc, rendered in the browser from /api/openapi.json. */
export const DOCS_PATH = "/api/docs";
const INIT_SCRIPT_PATH = `${DOCS_PATH}/docs.js`;

// The one resource Redoc fetches from elsewhere: the logo of its sidebar credit, from Redocly's CDN.
// Served without it, the credit keeps its text and Redoc's own onerror handler drops the empty image,
// instead of the browser refusing a cross-origin request on every visit.
const CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";

/**
 * This page's own policy, replacing the API's `default-src 'none'`: scripts only from this origin
 * (the Redoc bundle and the file that starts it), styles inline because Redoc's styled-components
 * write <style> elements, its search index in a worker it builds from a blob: URL, its inline SVG
 * backgrounds as data: images, and the document fetched from here. Nothing from another origin.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src blob:",
  "frame-ancestors 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "base-uri 'none'",
].join("; ");

// Renders the reference into the page's container. Options: https://redocly.com/docs/redoc/config
const INIT_SCRIPT = `"use strict";
Redoc.init(
  "/api/openapi.json",
  { expandResponses: "200", jsonSampleExpandLevel: 3, requiredPropsFirst: true, pathInMiddlePanel: true, hideHostname: true },
  document.getElementById("api-reference"),
);
`;

type Bundle = { path: string; body: Buffer };

let bundle: Bundle | undefined;

/** The standalone bundle from the installed redoc package, under a path naming its version (so it can be cached for good). */
function loadBundle(): Bundle {
  if (!bundle) {
    const resolve = createRequire(import.meta.url).resolve;
    const { version } = JSON.parse(readFileSync(resolve("redoc/package.json"), "utf8")) as { version: string };
    const script = readFileSync(resolve("redoc/bundles/redoc.standalone.js"), "utf8").replaceAll(CDN_LOGO, "");
    bundle = { path: `${DOCS_PATH}/redoc-${version}.standalone.js`, body: Buffer.from(script) };
  }
  return bundle;
}

function page(bundlePath: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Parley REST API reference</title>
    <!-- No icon to fetch: this page is served by the API, whatever app (if any) serves one. -->
    <link rel="icon" href="data:," />
  </head>
  <body>
    <noscript>This reference needs JavaScript. The document itself is <a href="/api/openapi.json">/api/openapi.json</a>.</noscript>
    <div id="api-reference"></div>
    <script src="${bundlePath}"></script>
    <script src="${INIT_SCRIPT_PATH}"></script>
  </body>
</html>
`;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  contentType: string,
  body: string | Buffer,
  cacheControl: string,
) {
  res.statusCode = 200;
  res.setHeader("content-type", contentType);
  res.setHeader("cache-control", cacheControl);
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Answers the reference page and its scripts; false for anything else (other paths, other methods). */
export function handleDocs(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path === DOCS_PATH || path === `${DOCS_PATH}/`) {
    const { path: bundlePath } = loadBundle();
    res.setHeader("content-security-policy", DOCS_CONTENT_SECURITY_POLICY);
    send(req, res, "text/html; charset=utf-8", page(bundlePath), "no-cache");
    return true;
  }
  if (path === INIT_SCRIPT_PATH) {
    send(req, res, "text/javascript; charset=utf-8", INIT_SCRIPT, "no-cache");
    return true;
  }
  const { path: bundlePath, body } = loadBundle();
  if (path === bundlePath) {
    send(req, res, "text/javascript; charset=utf-8", body, "public, max-age=31536000, immutable");
    return true;
  }
  return false;
}
