import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";

import { createOpenApiDocument, type ErrorResponse, errorResponseSchema } from "./openapi";
import { createTestRuntime, randomPhoneNumber, type TestRuntime, type TestShape } from "./test";
import { type Json, rest, restSignUp, startApi } from "./test/api-server";
import { DOCS_CONTENT_SECURITY_POLICY, DOCS_PATH } from "./transport/docs";
import { createApiHttpHandler, type RestErrorBody } from "./transport/http";

type Reference = { $ref: string };
type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: unknown;
  responses: Record<string, Reference | Json>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json>; headers: Record<string, Json> };
};

const document = createOpenApiDocument("/api") as unknown as Document;

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
);

const PUBLIC_OPERATIONS = [
  "/auth/register",
  "/auth/verify-otp",
  "/auth/login",
  "/auth/forgot-password",
  "/auth/reset-password",
];

const statusesOf = (operation: Operation) => Object.keys(operation.responses).map(Number);

/** The operation a request reaches: an exact path first, then the templates in the document's order (the adapter's). */
function operationFor(method: string, url: string): Operation {
  const path = new URL(url, "http://localhost").pathname.slice("/api".length);
  const candidates = Object.keys(document.paths);
  const template =
    candidates.find((candidate) => candidate === path && document.paths[candidate]?.[method.toLowerCase()]) ??
    candidates.find(
      (candidate) =>
        document.paths[candidate]?.[method.toLowerCase()] &&
        new RegExp(`^${candidate.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
    );
  const operation = template ? document.paths[template]?.[method.toLowerCase()] : undefined;
  if (!operation) throw new Error(`no operation for ${method} ${path}`);
  return operation;
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("asks no token of the public auth operations, and a bearer token of every other", () => {
    for (const { path, operation } of operations) {
      if (PUBLIC_OPERATIONS.includes(path)) expect(operation.security, path).toEqual([]);
      else expect(operation.security, path).toEqual([{ bearerAuth: [] }]);
    }
    expect(
      operations
        .filter(({ operation }) => operation.security?.length === 0)
        .map(({ path }) => path)
        .sort(),
    ).toEqual([...PUBLIC_OPERATIONS].sort());
  });

  it("answers every error with the one ErrorResponse schema, through shared responses", () => {
    for (const { path, method, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.startsWith("2")) continue;
        expect(response, `${method} ${path} ${status}`).toEqual({
          $ref: expect.stringMatching(/^#\/components\/responses\/\w+$/) as string,
        });
      }
    }
    for (const [name, response] of Object.entries(document.components.responses)) {
      expect(response, name).toMatchObject({
        content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } } },
      });
      // The examples are bodies the server could send.
      const example = (response.content as Record<string, { example: unknown }>)["application/json"]?.example;
      expect(errorResponseSchema.safeParse(example).success, name).toBe(true);
    }
    expect(document.components.responses.TooManyRequests?.headers).toEqual({
      "Retry-After": { $ref: "#/components/headers/RetryAfter" },
    });
    expect(Object.keys(document.components.schemas).filter((name) => /error/i.test(name))).toEqual(["ErrorResponse"]);
    expect(document.components.schemas.ErrorResponse).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["code", "message", "request_id"],
    });
    expect(Object.keys((document.components.schemas.ErrorResponse as { properties: Json }).properties).sort()).toEqual(
      ["code", "field_errors", "message", "request_id", "retry_after_seconds"].sort(),
    );
    // The documented body is the one http.ts builds.
    expectTypeOf<ErrorResponse>().toEqualTypeOf<RestErrorBody>();
  });

  it("lists the statuses each operation can answer", () => {
    for (const { path, method, operation } of operations) {
      const statuses = statusesOf(operation);
      const where = `${method} ${path}`;
      expect(statuses, where).toEqual(expect.arrayContaining([200, 400, 429, 500]));
      expect(statuses.includes(401), where).toBe(!PUBLIC_OPERATIONS.includes(path) || path === "/auth/login");
      expect(statuses.includes(413), where).toBe(method !== "GET");
      expect(statuses.includes(415), where).toBe(method === "POST" || method === "PUT");
    }
    expect(statusesOf(operationFor("GET", "/api/users/me"))).toEqual([200, 400, 401, 429, 500]);
    expect(statusesOf(operationFor("POST", "/api/auth/register"))).toEqual([200, 400, 409, 413, 415, 429, 500, 503]);
    expect(statusesOf(operationFor("POST", "/api/messages/chat"))).toEqual([
      200, 400, 401, 403, 404, 409, 413, 415, 429, 500,
    ]);
    expect(statusesOf(operationFor("DELETE", "/api/groups/1"))).toEqual([200, 400, 401, 403, 404, 413, 429, 500]);
    expect(statusesOf(operationFor("GET", "/api/chats"))).toEqual([200, 400, 401, 429, 500]);
  });

  it("names the shared shapes as components and refers to them", () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        "Message",
        "GroupMessage",
        "UserSummary",
        "PublicProfile",
        "GroupSummary",
        "Group",
        "GroupMember",
        "Media",
        "Location",
        "ReplyPreview",
        "ReactionSummary",
        "Contact",
        "Chat",
        "GroupChat",
      ]),
    );
    // Each only in its output form: no input twin (`MessageOutput`) from a schema used on both sides.
    expect(Object.keys(document.components.schemas).filter((name) => name.endsWith("Output"))).toEqual([]);
    const sent = operationFor("POST", "/api/messages/chat").responses["200"] as {
      content: Record<string, { schema: unknown }>;
    };
    expect(sent.content["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Message" });
  });

  it("requires path parameters, and says what the schemas alone cannot", () => {
    for (const { path, operation } of operations) {
      for (const parameter of operation.parameters ?? [])
        if (parameter.in === "path") expect(parameter.required, `${path} ${parameter.name}`).toBe(true);
    }
    const history = operationFor("GET", "/api/chats/1/messages") as Operation & { description: string };
    expect(history.description).toMatch(/not both/);
    expect(history.parameters?.find((parameter) => parameter.name === "before_seq")?.description).toMatch(
      /Not with after_seq/,
    );
    expect((operationFor("POST", "/api/messages/chat") as Operation & { description: string }).description).toMatch(
      /text needs content that isn't blank/,
    );
    // A strict input (unknown fields refused) says so, though the generator drops it.
    const updateMe = operationFor("PUT", "/api/users/me") as Operation & {
      requestBody: { content: Record<string, { schema: Json }> };
    };
    expect(updateMe.requestBody.content["application/json"]?.schema.additionalProperties).toBe(false);
  });

  it("has no ambiguous paths but the spec's /messages/group/{group_id} beside /messages/{message_id}/…", () => {
    const isParameter = (segment = "") => segment.startsWith("{");
    // As Redocly's no-ambiguous-paths rule (turned off in redocly.yaml) sees it: one request could
    // match both, and neither path is the more specific (a literal wherever the other has one).
    const isAmbiguous = (a: string, b: string) => {
      const [x, y] = [a.split("/"), b.split("/")];
      if (
        x.length !== y.length ||
        !x.every((segment, i) => segment === y[i] || isParameter(segment) || isParameter(y[i]))
      )
        return false;
      return (
        x.some((segment, i) => !isParameter(segment) && isParameter(y[i])) &&
        y.some((segment, i) => !isParameter(segment) && isParameter(x[i]))
      );
    };
    const paths = Object.keys(document.paths);
    const ambiguous = paths.flatMap((a, i) =>
      paths
        .slice(i + 1)
        .filter((b) => isAmbiguous(a, b))
        .map((b) => [a, b].sort().join(" ~ ")),
    );
    expect(ambiguous.sort()).toEqual(
      [
        "/messages/{message_id}/info",
        "/messages/{message_id}/reaction",
        "/messages/{message_id}/star",
        "/messages/{message_id}/status",
      ].map((other) => `/messages/group/{group_id} ~ ${other}`),
    );
  });
});

describe.each<TestShape>(["scaled", "embedded"])("the REST contract over HTTP on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let api: Awaited<ReturnType<typeof startApi>>;
  let documented: z.ZodType;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    api = await startApi(runtime);
    const served = await rest(api.http, "GET", "/api/openapi.json");
    expect(served.body).toEqual(JSON.parse(JSON.stringify(document)));
    // The body is checked against the schema the document publishes, not the Zod schema it came from.
    documented = z.fromJSONSchema((served.body as unknown as Document).components.schemas.ErrorResponse as never);
  });
  afterAll(async () => {
    await api.close();
    await runtime.close();
  });

  /** The request got a status its operation documents, with a body the documented ErrorResponse accepts. */
  function expectDocumentedError(
    method: string,
    url: string,
    response: Awaited<ReturnType<typeof rest>>,
    status: number,
    code: string,
  ) {
    expect({ status: response.status, code: response.body.code }, `${method} ${url}`).toEqual({ status, code });
    expect(statusesOf(operationFor(method, url)), `${method} ${url} documents ${status}`).toContain(status);
    const checked = documented.safeParse(response.body);
    expect(checked.success ? null : checked.error.issues, `${method} ${url} body`).toBeNull();
    // A request refused before it reaches its procedure (415) has no context to name it in the body.
    expect(response.body.request_id, `${method} ${url} request_id`).toBe(
      status === 415 ? null : response.headers.get("x-request-id"),
    );
  }

  it("answers each refusal with a documented status and an ErrorResponse body", async () => {
    const ana = await restSignUp(runtime, api.http);
    const ben = await restSignUp(runtime, api.http);
    const stranger = await restSignUp(runtime, api.http, { stranger: true });
    const benId = ben.user.id;
    const anaId = ana.user.id;
    // Ana finds Ben by number (a tie), writes to him; Ben blocks her.
    expect(
      (
        await rest(api.http, "GET", `/api/users/search?phone_number=${encodeURIComponent(ben.phone_number)}`, {
          token: ana.token,
        })
      ).status,
    ).toBe(200);
    const first = await rest(api.http, "POST", "/api/messages/chat", {
      token: ana.token,
      body: { receiver_id: benId, content: "Hi Ben", client_msg_id: crypto.randomUUID() },
    });
    expect(first.status).toBe(200);
    const chatId = first.body.chat_id as number;
    expect(
      (
        await rest(api.http, "POST", "/api/contacts", {
          token: ana.token,
          body: { phone_number: ben.phone_number, name: "Ben" },
        })
      ).status,
    ).toBe(200);

    const cases: {
      name: string;
      method: string;
      url: string;
      options?: Parameters<typeof rest>[3];
      status: number;
      code: string;
      before?: () => Promise<void>;
    }[] = [
      {
        name: "a text message without content",
        method: "POST",
        url: "/api/messages/chat",
        options: { token: ana.token, body: { receiver_id: benId, client_msg_id: crypto.randomUUID() } },
        status: 400,
        code: "BAD_REQUEST",
      },
      {
        name: "before_seq together with after_seq",
        method: "GET",
        url: `/api/chats/${chatId}/messages?before_seq=5&after_seq=1`,
        options: { token: ana.token },
        status: 400,
        code: "BAD_REQUEST",
      },
      {
        name: "a misspelt query parameter",
        method: "GET",
        url: `/api/chats/${chatId}/messages?befor_seq=5`,
        options: { token: ana.token },
        status: 400,
        code: "BAD_REQUEST",
      },
      {
        name: "a query parameter on an operation that takes none",
        method: "GET",
        url: "/api/users/me?verbose=true",
        options: { token: ana.token },
        status: 400,
        code: "BAD_REQUEST",
      },
      {
        name: "a query string on a body operation",
        method: "POST",
        url: "/api/contacts?name=Ben",
        options: { token: ana.token, body: { phone_number: randomPhoneNumber(), name: "Someone" } },
        status: 400,
        code: "BAD_REQUEST",
      },
      {
        name: "a body that isn't JSON",
        method: "POST",
        url: "/api/auth/login",
        options: { raw: "{not json" },
        status: 400,
        code: "PARSE_ERROR",
      },
      {
        name: "an unknown field where the body's schema forbids them",
        method: "PUT",
        url: "/api/users/me",
        options: { token: ana.token, body: { full_name: "Ana", nickname: "Annie" } },
        status: 400,
        code: "BAD_REQUEST",
      },
      { name: "no token", method: "GET", url: "/api/chats", status: 401, code: "UNAUTHORIZED" },
      {
        name: "a wrong password",
        method: "POST",
        url: "/api/auth/login",
        options: { body: { phone_number: ana.phone_number, password: "not-her-password" } },
        status: 401,
        code: "UNAUTHORIZED",
      },
      {
        name: "a message across a block",
        method: "POST",
        url: "/api/messages/chat",
        options: {
          token: ana.token,
          body: { receiver_id: benId, content: "Still there?", client_msg_id: crypto.randomUUID() },
        },
        status: 403,
        code: "FORBIDDEN",
        before: async () => {
          expect(
            (await rest(api.http, "POST", "/api/contacts/block", { token: ben.token, body: { user_id: anaId } }))
              .status,
          ).toBe(200);
        },
      },
      {
        name: "someone else's chat",
        method: "GET",
        url: `/api/chats/${chatId}`,
        options: { token: stranger.token },
        status: 404,
        code: "NOT_FOUND",
      },
      {
        name: "a profile without a tie",
        method: "GET",
        url: `/api/users/${benId}`,
        options: { token: stranger.token },
        status: 404,
        code: "NOT_FOUND",
      },
      {
        name: "a message nobody has",
        method: "PUT",
        url: "/api/messages/900719925474/star",
        options: { token: ana.token, body: { starred: true } },
        status: 404,
        code: "NOT_FOUND",
      },
      {
        name: "a contact you have",
        method: "POST",
        url: "/api/contacts",
        options: { token: ana.token, body: { phone_number: ben.phone_number, name: "Ben again" } },
        status: 409,
        code: "CONFLICT",
      },
      {
        name: "signing up a number that has an account",
        method: "POST",
        url: "/api/auth/register",
        options: { body: { phone_number: ana.phone_number, full_name: "Ana again" } },
        status: 409,
        code: "CONFLICT",
      },
      {
        name: "a body over 1 MiB",
        method: "POST",
        url: "/api/contacts",
        options: {
          token: ana.token,
          raw: JSON.stringify({ phone_number: ben.phone_number, name: "x".repeat(1024 * 1024) }),
        },
        status: 413,
        code: "PAYLOAD_TOO_LARGE",
      },
      {
        name: "a body that isn't labelled JSON",
        method: "PUT",
        url: "/api/users/me",
        options: { token: ana.token, raw: "full_name=Ana", contentType: "application/x-www-form-urlencoded" },
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
      },
    ];
    for (const { name, method, url, options, status, code, before } of cases) {
      await before?.();
      const response = await rest(api.http, method, url, options);
      expectDocumentedError(method, url, response, status, code);
      if (status === 400 && code === "BAD_REQUEST")
        expect(response.body.field_errors ?? response.body.message, name).toBeTruthy();
    }
  });

  it("names the refused query parameters, and takes the declared ones", async () => {
    const { token } = await restSignUp(runtime, api.http);
    const misspelt = await rest(api.http, "GET", "/api/messages/search?query=hello&limit=5", { token });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.field_errors).toEqual({ query: ["This operation has no such query parameter"] });
    expect(misspelt.body.message).toMatch(/takes q, limit, cursor/);
    expect((await rest(api.http, "GET", "/api/messages/search?q=hello&limit=5", { token })).status).toBe(200);
    expect((await rest(api.http, "GET", "/api/chats?limit=5", { token })).status).toBe(200);
    expect((await rest(api.http, "GET", "/api/users/me?", { token })).status).toBe(200);
  });

  it("says when to retry, in the body and the documented header", async () => {
    const phone_number = randomPhoneNumber();
    for (let i = 0; i < 3; i++)
      await rest(api.http, "POST", "/api/auth/register", { body: { phone_number, full_name: "R" } });
    const limited = await rest(api.http, "POST", "/api/auth/register", { body: { phone_number, full_name: "R" } });
    expectDocumentedError("POST", "/api/auth/register", limited, 429, "TOO_MANY_REQUESTS");
    expect(limited.body.retry_after_seconds).toBeGreaterThan(3000);
    expect(limited.headers.get("retry-after")).toBe(String(limited.body.retry_after_seconds));
  });

  it("answers 503 when the SMS can't be sent", async () => {
    const { phone_number } = await restSignUp(runtime, api.http);
    const send = vi.spyOn(runtime.sms, "send").mockRejectedValue(new Error("the SMS provider is down"));
    try {
      const response = await rest(api.http, "POST", "/api/auth/forgot-password", { body: { phone_number } });
      expectDocumentedError("POST", "/api/auth/forgot-password", response, 503, "SERVICE_UNAVAILABLE");
    } finally {
      send.mockRestore();
    }
  });
});

describe.each<TestShape>(["scaled", "embedded"])("the API reference page on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    const handleApi = createApiHttpHandler(runtime);
    server = createServer((req, res) => {
      // As the web process does before any handler runs: the API's default policy, which the page replaces.
      res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
      void handleApi(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
  });

  it("serves HTML under its own policy, with scripts from this origin only", async () => {
    const response = await fetch(`${base}${DOCS_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const policy = response.headers.get("content-security-policy");
    expect(policy).toBe(DOCS_CONTENT_SECURITY_POLICY);
    const directives = new Map(
      (policy ?? "").split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1)]),
    );
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get("img-src")).toEqual(["'self'", "data:"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    // No source anywhere names another origin.
    expect([...directives.values()].flat().filter((source) => /^[a-z]+:\/\//i.test(source) || source === "*")).toEqual(
      [],
    );

    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\bstyle=|<style/);
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? "");
    expect(urls.length).toBeGreaterThanOrEqual(3);
    // Paths on this origin, or data: (the empty icon, so the browser asks nobody for one).
    for (const url of urls) expect(url, url).toMatch(/^(\/(?!\/)|data:)/);
    expect(html).not.toMatch(/https?:\/\//);

    const scripts = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((match) => match[1] ?? "");
    expect(scripts).toHaveLength(2);
    for (const src of scripts) {
      const script = await fetch(`${base}${src}`);
      expect(script.status, src).toBe(200);
      expect(script.headers.get("content-type"), src).toBe("text/javascript; charset=utf-8");
      expect((await script.text()).length, src).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${base}${scripts[1]}`)).text();
    expect(init).toMatch(/Redoc\.init\(\s*"\/api\/openapi\.json"/);
    expect(scripts[0]).toMatch(/^\/api\/docs\/redoc-\d+\.\d+\.\d+\.standalone\.js$/);
    // The one image Redoc would fetch from elsewhere (its credit's logo) is gone from the bundle served.
    const renderer = await (await fetch(`${base}${scripts[0]}`)).text();
    expect(renderer).toMatch(/Redoc/);
    expect(renderer).not.toContain("cdn.redoc.ly");
  });

  it("leaves other methods and paths under /api/docs to the REST API's 404", async () => {
    expect((await fetch(`${base}${DOCS_PATH}`, { method: "POST" })).status).toBe(404);
    const missing = await fetch(`${base}${DOCS_PATH}/nothing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
