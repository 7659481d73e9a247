import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { startWebServer } from "./main";

await startWebServer({ dev: true, dir: resolve(dirname(fileURLToPath(import.meta.url)), "../..") });
