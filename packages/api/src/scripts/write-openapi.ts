import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createOpenApiDocument } from "../openapi";

/** Writes the REST API's OpenAPI document to a new temporary file and prints its path, for `pnpm lint:openapi`. */
const file = join(tmpdir(), `parley-openapi-${randomUUID()}.json`);
writeFileSync(file, `${JSON.stringify(createOpenApiDocument("/api"), null, 2)}\n`);
process.stdout.write(`${file}\n`);
