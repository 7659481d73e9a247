// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- s3rver ships no types; the declaration has to travel with this file into other packages' type checks (apps/ws imports it)
/// <reference path="./s3rver.d.ts" />
import { createHash, createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import S3rver from "s3rver";

import { createS3Storage } from "../services/media/s3-storage";
import type { MediaStorage } from "../services/media/storage";

export type S3TestServer = {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style, us-east-1, these credentials. */
  storage: MediaStorage;
  close(): Promise<void>;
};

/** The only key pair s3rver knows. */
const accessKeyId = "S3RVER";
const secretAccessKey = "S3RVER";
const region = "us-east-1";
const bucket = "parley-media";

/** What a deployment's bucket needs so that browsers can upload and download directly. */
const corsConfiguration = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * A real S3 API (s3rver) on 127.0.0.1 and a free port, storing into a fresh temporary directory, with one
 * bucket whose CORS rule lets browsers PUT and GET from any origin.
 *
 * s3rver accepts any well-formed SigV4 signature without computing it, so a presigned URL with another
 * Content-Length, Content-Type, key or signature would pass. Unless `verifySignatures` is false, a check in
 * front of it verifies the signature of presigned (query-string) requests the way S3 does, so tests see
 * S3's refusals. Expiry is s3rver's own check; requests signed in the Authorization header (the SDK's own)
 * go straight through.
 */
export async function startS3Server(options: { verifySignatures?: boolean } = {}): Promise<S3TestServer> {
  const verifySignatures = options.verifySignatures ?? true;
  const directory = await mkdtemp(join(tmpdir(), "parley-s3rver-"));
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [corsConfiguration] }],
  });
  const server = createServer();
  try {
    await s3rver.configureBuckets();
    const handle = s3rver.callback();
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      const refusal = verifySignatures ? presignedSignatureRefusal(request) : null;
      if (refusal) refuse(request, response, refusal);
      else handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("s3rver is not listening on a TCP port");
  const endpoint = `http://127.0.0.1:${address.port}`;
  const storage = createS3Storage({ bucket, region, endpoint, accessKeyId, secretAccessKey, forcePathStyle: true });

  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    storage,
    close: async () => {
      await storage.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (fetch's, the SDK's) would otherwise hold the server open.
        server.closeAllConnections();
      });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

type Refusal = { code: string; message: string };

/** Why S3 would refuse this presigned request, or null (also for requests that are not presigned). */
function presignedSignatureRefusal(request: IncomingMessage): Refusal | null {
  // Browsers send CORS preflights without credentials; S3 answers them from the bucket's CORS rules alone.
  if (request.method === "OPTIONS") return null;
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  if (queryStart < 0) return null;
  const path = target.slice(0, queryStart);
  let query: [string, string][];
  try {
    query = target
      .slice(queryStart + 1)
      .split("&")
      .filter((pair) => pair !== "")
      .map((pair) => {
        const equals = pair.indexOf("=");
        return equals < 0
          ? [decodeURIComponent(pair), ""]
          : [decodeURIComponent(pair.slice(0, equals)), decodeURIComponent(pair.slice(equals + 1))];
      });
  } catch {
    return { code: "AuthorizationQueryParametersError", message: "malformed query string" };
  }
  const only = (name: string): string | undefined => {
    const values = query.filter(([key]) => key === name);
    return values.length === 1 ? values[0]?.[1] : undefined;
  };
  if (!query.some(([key]) => key === "X-Amz-Signature")) return null;

  const signature = only("X-Amz-Signature");
  const credential = only("X-Amz-Credential");
  const date = only("X-Amz-Date");
  const signedHeaders = only("X-Amz-SignedHeaders");
  if (
    only("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" ||
    !signature ||
    !credential ||
    !date ||
    !signedHeaders ||
    !only("X-Amz-Expires")
  ) {
    return { code: "AuthorizationQueryParametersError", message: "missing or repeated SigV4 query parameters" };
  }
  const [keyId, day, scopeRegion, service, terminator, ...rest] = credential.split("/");
  if (keyId !== accessKeyId) return { code: "InvalidAccessKeyId", message: "unknown access key" };
  if (
    !day ||
    !date.startsWith(day) ||
    scopeRegion !== region ||
    service !== "s3" ||
    terminator !== "aws4_request" ||
    rest.length > 0
  ) {
    return { code: "AuthorizationQueryParametersError", message: "malformed credential scope" };
  }

  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host")) return { code: "AccessDenied", message: "host must be signed" };
  const headerLines: string[] = [];
  for (const name of headerNames) {
    const value = request.headers[name];
    if (value === undefined) return { code: "AccessDenied", message: `signed header ${name} is missing` };
    headerLines.push(`${name}:${(Array.isArray(value) ? value.join(",") : value).trim().replace(/\s+/g, " ")}`);
  }
  const canonicalQuery = query
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const canonicalRequest = [
    request.method ?? "GET",
    path,
    canonicalQuery,
    ...headerLines,
    "",
    signedHeaders,
    only("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD",
  ].join("\n");
  const scope = `${day}/${scopeRegion}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    date,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`);
  for (const part of [day, scopeRegion, service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  if (signature !== expected) {
    return {
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided.",
    };
  }
  return null;
}

/** SigV4's URI encoding: RFC 3986 unreserved characters stay, everything else is percent-encoded. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function refuse(request: IncomingMessage, response: ServerResponse, { code, message }: Refusal): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  // Answer after the body has arrived, so that the client reliably sees the 403 rather than a reset upload.
  request.resume();
  request.once("end", () => {
    response.writeHead(403, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) }).end(body);
  });
}
