import { bundleNodeApp } from "@parley/build";

await bundleNodeApp({ appDir: import.meta.dirname, entry: "src/server/start.ts", outfile: "dist/server.mjs" });
