import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestRuntime, type TestRuntime, type TestShape } from "../test";
import { rest, restSignUp, startApi } from "../test/api-server";

// Our own black-box probe: it reads the published OpenAPI document and throws boundary values
// at every operation, one field at a time, the way an outside fuzzer would. Whatever the answer,
// it is never a 5xx, always JSON with a message, and never shows the server's insides.

type Schema = {
  type?: string | string[];
  format?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  enum?: unknown[];
};
type Parameter = { name: string; in: "path" | "query"; schema?: Schema; required?: boolean };
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
};
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const LEAKS =
  /\bselect\b|\binsert into\b|\bfrom "|password_hash|node_modules|\.ts:\d+|\bat \w+ \(|stack|postgres|pglite|drizzle|sqlstate|violates/i;

const huge = "x".repeat(100 * 1024);
const deep = (depth: number): unknown => JSON.parse(deepText(depth));
const deepText = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

/** Values at and past every boundary a field of this kind has. */
function boundaryValues(schema: Schema): unknown[] {
  const types = new Set([schema.type ?? [], ...(schema.anyOf ?? []).map((s) => s.type ?? [])].flat());
  const common: unknown[] = [null, true, [], {}, "", "\u0000", "\ud800", huge, deep(64)];
  if (types.has("integer") || types.has("number"))
    return [...common, 0, -1, 1.5, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 53), 1e308, "2147483648", "1e3", "abc"];
  if (types.has("boolean")) return [...common, "false", "0", 1, "maybe"];
  if (types.has("array")) return [...common, [null], ["\u0000"], Array.from({ length: 10_001 }, () => 1), [2 ** 53]];
  return [...common, 0, 2 ** 53, "a\u0000b", "\udc00x", "‮evil", "%ZZ", "+".repeat(64), "1' or '1'='1"];
}

/** The same values as a URL can carry them. */
function asUrlText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** A path segment; a lone surrogate has no UTF-8, so it goes as the bytes a careless encoder would send. */
function asPathSegment(value: unknown): string {
  try {
    return encodeURIComponent(asUrlText(value));
  } catch {
    return "%ED%A0%80";
  }
}

describe.each<TestShape>(["scaled", "embedded"])("our own probe of every REST operation on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let api: Awaited<ReturnType<typeof startApi>>;
  let document: Document;
  let token: string;
  const known: Record<string, string | number> = {};

  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    api = await startApi(runtime);
    document = (await rest(api.http, "GET", "/api/openapi.json")).body as unknown as Document;
    const ana = await restSignUp(runtime, api.http);
    const ben = await restSignUp(runtime, api.http);
    token = ana.token;
    const sent = await rest(api.http, "POST", "/api/messages/chat", {
      token,
      body: { receiver_id: ben.user.id, content: "probe", client_msg_id: randomUUID() },
    });
    const group = await rest(api.http, "POST", "/api/groups", {
      token,
      body: { name: "Probe", member_ids: [ben.user.id] },
    });
    Object.assign(known, {
      id: ben.user.id,
      user_id: ben.user.id,
      receiver_id: ben.user.id,
      chat_id: Number(sent.body.chat_id),
      message_id: Number(sent.body.id),
      group_id: Number(group.body.id),
      phone_number: ben.phone_number,
      media_id: randomUUID(),
    });
  });
  afterAll(async () => {
    await api.close();
    await runtime.close();
  });

  const resolve = (schema: Schema | undefined): Schema => {
    if (!schema?.$ref) return schema ?? {};
    const name = schema.$ref.split("/").pop() ?? "";
    return resolve(document.components?.schemas?.[name]);
  };

  /** A plausible value for a field, from what we made (ids, a number) or its type. */
  function sample(name: string, schema: Schema): unknown {
    if (name in known) return known[name];
    const resolved = resolve(schema);
    if (resolved.enum) return resolved.enum[0];
    const type = [resolved.type ?? resolved.anyOf?.[0]?.type ?? "string"].flat()[0];
    if (type === "integer" || type === "number") return 1;
    if (type === "boolean") return false;
    if (type === "array") return [];
    if (type === "object") return {};
    if (resolved.format === "uuid") return randomUUID();
    return "probe";
  }

  function operations(): { method: string; path: string; operation: Operation }[] {
    const all = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
    // Ending the session last keeps the token good for everything else.
    return all.sort((a, b) => Number(a.path === "/auth/logout") - Number(b.path === "/auth/logout"));
  }

  async function expectSafe(method: string, url: string, options: Parameters<typeof rest>[3], what: string) {
    const answer = await rest(api.http, method, url, options).catch((error: unknown) => {
      throw new Error(`${what}: ${String(error)}`);
    });
    expect(answer.status, what).toBeLessThan(500);
    if (answer.status >= 400) {
      expect(typeof answer.body?.message, what).toBe("string");
      expect(JSON.stringify(answer.body), what).not.toMatch(LEAKS);
    }
    return answer.status;
  }

  it("answers every operation's boundary values with a 2xx or a 4xx JSON error that leaks nothing", async () => {
    let requests = 0;
    const statuses = new Map<number, number>();
    for (const { method, path, operation } of operations()) {
      const parameters = operation.parameters ?? [];
      const bodySchema = resolve(operation.requestBody?.content?.["application/json"]?.schema);
      const bodyFields = Object.entries(bodySchema.properties ?? {});
      const baseParams = Object.fromEntries(parameters.map((p) => [p.name, sample(p.name, p.schema ?? {})]));
      const baseBody = Object.fromEntries(bodyFields.map(([name, schema]) => [name, sample(name, schema)]));

      const call = async (params: Record<string, unknown>, body: unknown, what: string, raw?: string) => {
        let url = `/api${path}`;
        const query = new URLSearchParams();
        for (const parameter of parameters) {
          const value = params[parameter.name];
          if (value === undefined) continue;
          if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, asPathSegment(value));
          else query.set(parameter.name, asUrlText(value));
        }
        const search = query.toString();
        const options = operation.requestBody ? (raw === undefined ? { token, body } : { token, raw }) : { token };
        const status = await expectSafe(
          method,
          `${url}${search ? `?${search}` : ""}`,
          options,
          `${method} ${path} ${what}`,
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        requests += 1;
      };

      for (const parameter of parameters) {
        for (const value of boundaryValues(resolve(parameter.schema))) {
          await call(
            { ...baseParams, [parameter.name]: value },
            baseBody,
            `${parameter.name}=${JSON.stringify(value)?.slice(0, 40)}`,
          );
        }
      }
      if (operation.requestBody) {
        for (const [name, schema] of bodyFields) {
          for (const value of boundaryValues(resolve(schema))) {
            await call(
              baseParams,
              { ...baseBody, [name]: value },
              `body.${name}=${JSON.stringify(value)?.slice(0, 40)}`,
            );
          }
        }
        for (const body of [[], "text", 42, null, { ...baseBody, unexpected: "field" }]) {
          await call(baseParams, body, `body=${JSON.stringify(body).slice(0, 40)}`);
        }
        await call(baseParams, undefined, "body nested 100,000 deep", deepText(100_000));
      }
      // An unknown query parameter and a path segment that isn't valid percent-encoding.
      await call({ ...baseParams, unexpected: "x" }, baseBody, "unknown parameter");
      const firstPathParameter = parameters.find((p) => p.in === "path");
      if (firstPathParameter) {
        const bad = `/api${path.replace(`{${firstPathParameter.name}}`, "%ZZ")}`.replace(/\{[^}]+\}/g, "1");
        await expectSafe(
          method,
          bad,
          operation.requestBody ? { token, body: baseBody } : { token },
          `${method} ${path} with %ZZ`,
        );
      }
    }
    // It probed for real: thousands of requests, most refused as bad input, some let through.
    expect(requests).toBeGreaterThan(1_000);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(requests / 2);
  }, 600_000);

  it("refuses raw bodies that aren't JSON, or too big, on every body operation, with a 4xx", async () => {
    for (const { method, path, operation } of operations()) {
      if (!operation.requestBody || path === "/auth/logout") continue;
      const url = `/api${path}`.replace(/\{[^}]+\}/g, "1");
      for (const [raw, contentType] of [
        ["{not json", "application/json"],
        ['{"a":1}', "text/plain"],
        [`{"a":"${"x".repeat(2 * 1024 * 1024)}"}`, "application/json"],
        ["\u0000", "application/json"],
      ] as const) {
        await expectSafe(
          method,
          url,
          { token, raw, contentType },
          `${method} ${path} raw ${contentType} ${raw.slice(0, 12)}`,
        );
      }
    }
  }, 300_000);

  it("keeps the server healthy after the probe", async () => {
    const health = await rest(api.http, "GET", "/healthz");
    expect(health.status).toBe(200);
    const again = await rest(api.http, "GET", "/api/users/me", { token: (await restSignUp(runtime, api.http)).token });
    expect(again.body.id).toEqual(expect.any(Number));
  });
});
