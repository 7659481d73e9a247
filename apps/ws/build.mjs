import { bundleNodeApp } from "@parley/build";

await bundleNodeApp({ appDir: import.meta.dirname, entry: "src/index.ts", outfile: "dist/index.mjs" });
