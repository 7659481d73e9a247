import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";

import {
  API_CONTENT_SECURITY_POLICY,
  buildPageContentSecurityPolicy,
  buildSecurityHeaders,
  buildSecuritySettings,
  createNonce,
  isSecureRequest,
  mediaStoreOrigins,
  normalizeForwardedHeaders,
  type SecuritySettings,
} from "./security-headers";

const embedded: SecuritySettings = { isDev: false, webSocketOrigin: null, mediaOrigins: [], trustProxyHops: 0 };

/** The policy as a map of directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe("the page policy", () => {
  it("runs only scripts with this response's nonce, and nothing inline or evaluated", () => {
    const policy = directives(buildPageContentSecurityPolicy(embedded, { nonce: "abc123==", isSecure: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get("style-src")).toEqual(["'self'"]);
    for (const sources of policy.values()) {
      expect(sources).not.toContain("'unsafe-inline'");
      expect(sources).not.toContain("'unsafe-eval'");
    }
  });

  it("locks down framing, plugins, base URLs, forms, workers and manifests", () => {
    const policy = directives(buildPageContentSecurityPolicy(embedded, { nonce: "n", isSecure: false }));
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("worker-src")).toEqual(["'self'"]);
    expect(policy.get("manifest-src")).toEqual(["'self'"]);
    expect(policy.get("img-src")).toEqual(["'self'", "blob:", "data:"]);
    expect(policy.get("media-src")).toEqual(["'self'", "blob:"]);
  });

  it("embedded: connects only to this origin (its /ws included)", () => {
    const policy = directives(buildPageContentSecurityPolicy(embedded, { nonce: "n", isSecure: false }));
    expect(policy.get("connect-src")).toEqual(["'self'"]);
  });

  it("scaled with S3: the WebSocket servers' origin, and the store's for uploads and downloads", () => {
    const settings = buildSecuritySettings(
      {
        MEDIA_STORAGE: "s3",
        S3_BUCKET: "parley-media",
        S3_REGION: "eu-west-1",
        S3_ENDPOINT: undefined,
        S3_FORCE_PATH_STYLE: false,
        TRUST_PROXY_HOPS: 1,
      },
      { PUBLIC_WS_URL: "wss://ws.example.com/ws" },
      false,
    );
    const policy = directives(buildPageContentSecurityPolicy(settings, { nonce: "n", isSecure: true }));
    const store = "https://parley-media.s3.eu-west-1.amazonaws.com";
    expect(policy.get("connect-src")).toEqual(["'self'", "wss://ws.example.com", store]);
    expect(policy.get("img-src")).toEqual(["'self'", "blob:", "data:", store]);
    expect(policy.get("media-src")).toEqual(["'self'", "blob:", store]);
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("only over TLS asks the browser to upgrade requests (over HTTP there is no https:// to go to)", () => {
    expect(buildPageContentSecurityPolicy(embedded, { nonce: "n", isSecure: false })).not.toContain(
      "upgrade-insecure-requests",
    );
  });

  it("dev: React Refresh may evaluate, and Next's overlay may style inline", () => {
    const policy = directives(
      buildPageContentSecurityPolicy({ ...embedded, isDev: true }, { nonce: "n", isSecure: false }),
    );
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    expect(policy.get("style-src")).toContain("'unsafe-inline'");
  });
});

describe("the headers of every response", () => {
  it("a page: its nonce policy, no framing, no sniffing, a strict referrer, our own window", () => {
    const headers = buildSecurityHeaders(embedded, { kind: "page", nonce: "n", isSecure: false });
    expect(headers["content-security-policy"]).toContain("'nonce-n'");
    expect(headers).toMatchObject({
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "cross-origin-opener-policy": "same-origin",
    });
    expect(headers["strict-transport-security"]).toBeUndefined();
  });

  it("allows the microphone and geolocation to our pages only, and nothing else", () => {
    const policy =
      buildSecurityHeaders(embedded, { kind: "page", nonce: "n", isSecure: false })["permissions-policy"] ?? "";
    const features = new Map(policy.split(", ").map((entry) => entry.split("=") as [string, string]));
    expect(features.get("microphone")).toBe("(self)");
    expect(features.get("geolocation")).toBe("(self)");
    for (const denied of ["camera", "payment", "usb", "display-capture"]) expect(features.get(denied)).toBe("()");
  });

  it("the API: a policy that lets nothing run or load", () => {
    const headers = buildSecurityHeaders(embedded, { kind: "api", nonce: null, isSecure: false });
    expect(headers["content-security-policy"]).toBe(API_CONTENT_SECURITY_POLICY);
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
  });

  it("HSTS only over TLS", () => {
    const headers = buildSecurityHeaders(embedded, { kind: "api", nonce: null, isSecure: true });
    expect(headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
  });

  it("a fresh, unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe("whether a request came over TLS", () => {
  const plain = (forwardedProto?: string) => ({
    socket: {},
    headers: forwardedProto ? { "x-forwarded-proto": forwardedProto } : {},
  });

  it("a TLS socket is", () => {
    expect(isSecureRequest({ socket: { encrypted: true }, headers: {} }, 0)).toBe(true);
  });

  it("X-Forwarded-Proto is not believed unless proxies are trusted", () => {
    expect(isSecureRequest(plain("https"), 0)).toBe(false);
    expect(isSecureRequest(plain("https"), 1)).toBe(true);
    expect(isSecureRequest(plain("http"), 1)).toBe(false);
    expect(isSecureRequest(plain(), 1)).toBe(false);
  });

  it("a client's own entry before the trusted proxies' proves nothing", () => {
    expect(isSecureRequest(plain("https, http"), 1)).toBe(false);
    expect(isSecureRequest(plain("http, https"), 1)).toBe(true);
    expect(isSecureRequest(plain("https, https, http"), 2)).toBe(true);
  });

  it("Next and next-auth then see only the protocol we believe, and a forwarded host only from a trusted proxy", () => {
    const req = {
      headers: { "x-forwarded-proto": "https", "x-forwarded-host": "evil.example", "x-forwarded-port": "443" },
    };
    normalizeForwardedHeaders(req, false, 0);
    expect(req.headers).toEqual({ "x-forwarded-proto": "http" });
    const proxied = { headers: { "x-forwarded-proto": "http, https", "x-forwarded-host": "chat.example.com" } };
    normalizeForwardedHeaders(proxied, true, 1);
    expect(proxied.headers).toEqual({ "x-forwarded-proto": "https", "x-forwarded-host": "chat.example.com" });
  });
});

describe("the media store's origins are those of the URLs the S3 SDK presigns", () => {
  const cases = [
    { S3_BUCKET: "parley-media", S3_REGION: "us-east-1", S3_ENDPOINT: undefined, S3_FORCE_PATH_STYLE: false },
    { S3_BUCKET: "parley.media", S3_REGION: "eu-west-1", S3_ENDPOINT: undefined, S3_FORCE_PATH_STYLE: false },
    { S3_BUCKET: "parley-media", S3_REGION: "eu-west-1", S3_ENDPOINT: undefined, S3_FORCE_PATH_STYLE: true },
    {
      S3_BUCKET: "parley-media",
      S3_REGION: "us-east-1",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_FORCE_PATH_STYLE: false,
    },
    { S3_BUCKET: "parley-media", S3_REGION: "us-east-1", S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: false },
    { S3_BUCKET: "parley-media", S3_REGION: "us-east-1", S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: true },
    {
      S3_BUCKET: "parley-media",
      S3_REGION: "auto",
      S3_ENDPOINT: "https://acct.r2.cloudflarestorage.com",
      S3_FORCE_PATH_STYLE: false,
    },
  ];

  for (const env of cases) {
    it(`${env.S3_ENDPOINT ?? "AWS"} ${env.S3_BUCKET}${env.S3_FORCE_PATH_STYLE ? " (path style)" : ""}`, async () => {
      const client = new S3Client({
        region: env.S3_REGION,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
      });
      const origins = mediaStoreOrigins({ MEDIA_STORAGE: "s3", ...env });
      for (const command of [
        new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: "k" }),
        new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: "k" }),
      ]) {
        expect(origins).toContain(new URL(await getSignedUrl(client, command, { expiresIn: 60 })).origin);
      }
    });
  }

  it("none for local storage (served by this origin)", () => {
    expect(
      mediaStoreOrigins({
        MEDIA_STORAGE: "local",
        S3_BUCKET: "b",
        S3_REGION: "us-east-1",
        S3_ENDPOINT: undefined,
        S3_FORCE_PATH_STYLE: false,
      }),
    ).toEqual([]);
  });

  it("on AWS, never the region's shared path-style host unless path style is used", () => {
    expect(
      mediaStoreOrigins({
        MEDIA_STORAGE: "s3",
        S3_BUCKET: "parley-media",
        S3_REGION: "us-east-1",
        S3_ENDPOINT: undefined,
        S3_FORCE_PATH_STYLE: false,
      }),
    ).toEqual(["https://parley-media.s3.us-east-1.amazonaws.com"]);
  });
});
