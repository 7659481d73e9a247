import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { startWebServer } from "./main";

// Bundled to dist/server.mjs: the app directory is one level up.
await startWebServer({ dev: false, dir: resolve(dirname(fileURLToPath(import.meta.url)), "..") });
