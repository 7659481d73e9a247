import { generateOpenApiDocument } from "trpc-to-openapi";

import { appRouter } from "./root";

/** OpenAPI 3.1 for the REST API, generated from the same procedures and Zod schemas. */
export function createOpenApiDocument(baseUrl: string) {
  return generateOpenApiDocument(appRouter, {
    title: "Parley REST API",
    description:
      "The REST face of Parley's tRPC API: same procedures, same Zod schemas. Authenticate with `Authorization: Bearer <token>` from /auth/login or /auth/verify-otp.",
    version: "0.1.0",
    baseUrl,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
  });
}
