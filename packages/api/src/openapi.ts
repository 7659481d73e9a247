import {
  acceptsRequestBody,
  forEachOpenApiProcedure,
  generateOpenApiDocument,
  getInputOutputParsers,
  getPathParameters,
  getPathRegExp,
  instanceofZodTypeObject,
  normalizePath,
  type OpenAPIObject,
  type OpenApiMeta,
  unwrapZodType,
} from "trpc-to-openapi";
import { z } from "zod";

import { appRouter } from "./root";

type OpenApiSettings = NonNullable<OpenApiMeta["openapi"]>;

/** What every REST error answers (transport/http.ts's RestErrorBody), as the document's ErrorResponse. */
export const errorResponseSchema = z
  .strictObject({
    code: z.string().meta({
      description:
        "The error's code: BAD_REQUEST, PARSE_ERROR, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, TOO_MANY_REQUESTS, INTERNAL_SERVER_ERROR or SERVICE_UNAVAILABLE",
      example: "NOT_FOUND",
    }),
    message: z.string().meta({ description: "A sentence a person can act on", example: "There is no such chat." }),
    request_id: z.string().nullable().meta({
      description:
        "Names this request in the server's logs (as the X-Request-Id header does): quote it when reporting a problem. Null when the request was refused before reaching its operation (415).",
    }),
    field_errors: z
      .record(z.string(), z.array(z.string()).optional())
      .optional()
      .meta({ description: "For invalid input: what is wrong with each field, by field name" }),
    retry_after_seconds: z.number().int().min(1).optional().meta({
      description: "For TOO_MANY_REQUESTS: seconds until a retry can succeed (the Retry-After header says the same)",
    }),
  })
  .meta({ description: "The body of every error response" });

export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/**
 * The error responses an operation can give, as shared components. Which ones an operation lists:
 * 400, 429 and 500 always (every call is counted per client IP, and a query string or body can be
 * malformed); 401 where it needs a token; 413 where a body is read (every method but GET) and 415
 * where one is expected (POST, PUT, PATCH); and what its service can refuse (403, 404, 409, 503),
 * which each procedure declares in `meta.openapi.errorResponses`.
 */
const ERROR_RESPONSES = {
  400: {
    name: "BadRequest",
    description:
      "The input is not valid: a field (see field_errors), the JSON body (PARSE_ERROR), or a query parameter this operation does not take.",
    example: {
      code: "BAD_REQUEST",
      message: "content: A message can't be empty",
      field_errors: { content: ["A message can't be empty"] },
    },
  },
  401: {
    name: "Unauthorized",
    description: "No bearer token, or one whose session has ended (logged out, password changed): sign in again.",
    example: { code: "UNAUTHORIZED", message: "Your session has ended or the token is invalid. Sign in again." },
  },
  403: {
    name: "Forbidden",
    description:
      "You may not do this: a block stands between you, you are no longer a member, or only an admin, the sender or the recipient may.",
    example: { code: "FORBIDDEN", message: "Only group admins can add members." },
  },
  404: {
    name: "NotFound",
    description:
      "No such thing, or none you may see: an id of someone else's chat, message or file answers the same as a made-up one.",
    example: { code: "NOT_FOUND", message: "There is no such chat." },
  },
  409: {
    name: "Conflict",
    description:
      "The request clashes with what exists: already there, an id reused for something else, or a file still being checked.",
    example: { code: "CONFLICT", message: "This number is already in your contacts. Edit it to change the name." },
  },
  413: {
    name: "PayloadTooLarge",
    description:
      "The request body is larger than 1 MiB (or, for an upload, the declared file is larger than the server takes).",
    example: { code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than 1048576 bytes." },
  },
  415: {
    name: "UnsupportedMediaType",
    description: "A non-empty body that isn't labelled application/json.",
    example: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Missing content-type header" },
  },
  429: {
    name: "TooManyRequests",
    description:
      "Too many requests from your network, or too many of this kind (codes per number, wrong passwords, messages, lookups, uploads, imports). Retry after the Retry-After header's seconds.",
    example: {
      code: "TOO_MANY_REQUESTS",
      message: "Too many requests from your network. Try again in 42 seconds.",
      retry_after_seconds: 42,
    },
  },
  500: {
    name: "InternalServerError",
    description: "Something failed on the server's side; the message quotes the request id the logs know it by.",
    example: {
      code: "INTERNAL_SERVER_ERROR",
      message: "Something went wrong on our side. If it keeps happening, quote request 6f1c….",
    },
  },
  503: {
    name: "ServiceUnavailable",
    description: "The SMS with the code could not be sent right now: try again in a minute.",
    example: {
      code: "SERVICE_UNAVAILABLE",
      message: "We couldn't send the SMS right now. Please try again in a minute.",
    },
  },
} as const satisfies Record<number, { name: string; description: string; example: Omit<ErrorResponse, "request_id"> }>;

type ErrorStatus = keyof typeof ERROR_RESPONSES;

const isErrorStatus = (status: number): status is ErrorStatus => status in ERROR_RESPONSES;

const EXAMPLE_REQUEST_ID = "6f1c2a9e-3b7d-4e52-9a0c-8d4f1e2b7c35";

const TAGS: Record<string, string> = {
  auth: "Sign up with an SMS code, log in with a password, end sessions. The only operations that need no token.",
  users: "Your profile, privacy and presence; other people's profiles as their privacy settings let you see them.",
  chats: "1:1 chats: the list (groups included), one chat, read receipts, typing.",
  messages:
    "Sending, history, receipts, edits, deletes, reactions, stars, forwards and search, in 1:1 chats and groups.",
  groups: "Groups of up to 256 people: members, admins, settings, reading and typing.",
  media:
    "Files for messages and pictures: upload straight to storage, have the server check them, fetch short-lived URLs.",
  contacts: "Your address book (which of them are on Parley) and the people you blocked.",
};

type Operation = {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> };
  parameters?: { in: string; required?: boolean; description?: string; schema?: { description?: string } }[];
  responses: Record<string, unknown>;
};

/** Every REST procedure with its settings, in the order the REST adapter matches them. */
function restProcedures() {
  const procedures: { settings: OpenApiSettings; path: string; queryNames: Set<string>; isStrict: boolean }[] = [];
  forEachOpenApiProcedure(appRouter._def.procedures, ({ type, procedure, meta: { openapi } }) => {
    if (type === "subscription") return;
    const path = normalizePath(openapi.path);
    const input = unwrapZodType(getInputOutputParsers(procedure).inputParser, true);
    const isObject = instanceofZodTypeObject(input);
    const queryNames = new Set<string>();
    if (!acceptsRequestBody(openapi.method)) {
      if (isObject) for (const name of Object.keys(input.shape)) queryNames.add(name);
      for (const name of getPathParameters(path)) queryNames.delete(name);
    }
    // `.strict()`: unknown keys are refused, not dropped.
    const isStrict = isObject && input._zod.def.catchall?._zod.def.type === "never";
    procedures.push({ settings: openapi, path, queryNames, isStrict });
  });
  return procedures;
}

/** The statuses an operation can answer besides 200 (see ERROR_RESPONSES). */
function errorStatuses(settings: OpenApiSettings): ErrorStatus[] {
  const declared = Array.isArray(settings.errorResponses)
    ? settings.errorResponses
    : Object.keys(settings.errorResponses ?? {}).map(Number);
  const statuses = new Set<number>([400, 429, 500, ...declared]);
  if (settings.protect !== false) statuses.add(401);
  if (settings.method !== "GET") statuses.add(413);
  if (acceptsRequestBody(settings.method)) statuses.add(415);
  return [...statuses]
    .sort((a, b) => a - b)
    .map((status) => {
      if (!isErrorStatus(status))
        throw new Error(`${settings.method} ${settings.path}: no shared response for status ${status}`);
      return status;
    });
}

const responseRef = (status: ErrorStatus) => ({ $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` });

/**
 * Makes the generated document say what the server does: every error response is one of the
 * shared ones (one ErrorResponse schema, the body http.ts's errorBody builds), listed only where
 * it can happen; the public operations need no token; path parameters are required (always
 * present when the path matches; the generator reads the integer ids' preprocessing as optional);
 * a parameter's description is the parameter's, where readers and linters look for it.
 */
function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const used = new Set<ErrorStatus>();
  for (const { settings, path, isStrict } of restProcedures()) {
    const operation = document.paths?.[path]?.[settings.method.toLowerCase() as "get"] as Operation | undefined;
    if (!operation) throw new Error(`${settings.method} ${path} is missing from the document`);
    const statuses = errorStatuses(settings);
    statuses.forEach((status) => used.add(status));
    operation.responses = {
      ...Object.fromEntries(Object.entries(operation.responses).filter(([status]) => status.startsWith("2"))),
      ...Object.fromEntries(statuses.map((status) => [String(status), responseRef(status)])),
    };
    if (settings.protect === false) operation.security = [];
    // The generator rebuilds a refined body object without its strictness.
    if (isStrict)
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        media.schema.additionalProperties = false;
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === "path") parameter.required = true;
      if (parameter.schema?.description && !parameter.description) {
        parameter.description = parameter.schema.description;
        delete parameter.schema.description;
      }
    }
  }
  const components = document.components ?? {};
  const schemas = Object.fromEntries(
    Object.entries(components.schemas ?? {}).filter(([name]) => !name.startsWith("error.")),
  );
  const responses = Object.fromEntries(
    [...used]
      .sort((a, b) => a - b)
      .map((status) => {
        const { name, description, example } = ERROR_RESPONSES[status];
        return [
          name,
          {
            description,
            ...(status === 429 ? { headers: { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } } : {}),
            content: {
              "application/json": {
                schema: { $ref: "#/components/schemas/ErrorResponse" },
                example: { ...example, request_id: EXAMPLE_REQUEST_ID },
              },
            },
          },
        ];
      }),
  );
  return {
    ...document,
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    components: {
      ...components,
      schemas,
      responses,
      headers: {
        RetryAfter: {
          description: "Seconds until a retry can succeed",
          required: true,
          schema: { type: "integer", minimum: 1 },
        },
      },
    },
  };
}

/** OpenAPI 3.1 for the REST API, generated from the same procedures and Zod schemas. */
export function createOpenApiDocument(baseUrl: string): OpenAPIObject {
  return completeDocument(
    generateOpenApiDocument(appRouter, {
      title: "Parley REST API",
      description: [
        "The REST face of Parley's tRPC API: same procedures, same Zod schemas, snake_case JSON.",
        "Authenticate with `Authorization: Bearer <token>` from /auth/login or /auth/verify-otp.",
        "Every error answers an ErrorResponse. A query parameter an operation does not list is refused (400); unknown fields in a JSON body are ignored, except where its schema says additionalProperties: false.",
        "Every call counts against a per-network request limit (429 with Retry-After).",
      ].join("\n\n"),
      version: "0.1.0",
      baseUrl,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      defs: { ErrorResponse: errorResponseSchema },
    }),
  );
}

const queryChecks = restProcedures().map(({ settings, path, queryNames }) => ({
  method: settings.method,
  pattern: getPathRegExp(path),
  queryNames,
}));

/**
 * The REST adapter hands a GET or DELETE procedure every query parameter and Zod drops the ones it
 * doesn't know, so a misspelt `befor_seq` would silently page from the top: refuse what the
 * operation doesn't declare. `url` is the request as the adapter will see it (relative to /api);
 * null when it passes (or is no operation: the adapter answers that 404 itself).
 */
export function refuseUnknownQuery(
  method: string,
  url: string,
): Pick<ErrorResponse, "code" | "message" | "field_errors"> | null {
  // Parsed as the adapter parses it, so both find the same operation.
  const parsed = new URL(url.startsWith("/") ? `http://127.0.0.1${url}` : url);
  if (parsed.search === "") return null;
  const path = normalizePath(parsed.pathname);
  const check = queryChecks.find((entry) => entry.method === method && entry.pattern.test(path));
  if (!check) return null;
  const unknown = [...new Set(parsed.searchParams.keys())].filter((name) => !check.queryNames.has(name));
  if (unknown.length === 0) return null;
  const listed = [...check.queryNames];
  return {
    code: "BAD_REQUEST",
    message: `Unknown query parameter ${unknown.join(", ")}: ${listed.length > 0 ? `this operation takes ${listed.join(", ")}` : "this operation takes none"}.`,
    field_errors: Object.fromEntries(unknown.map((name) => [name, ["This operation has no such query parameter"]])),
  };
}
