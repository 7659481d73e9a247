import { readFileSync } from "node:fs";
import { join } from "node:path";

import { build } from "esbuild";

/**
 * Bundles a Node server app: our workspace packages (TypeScript sources) and
 * any package the app does not declare itself go into the bundle; what the
 * app declares in its own package.json stays external and is loaded from its
 * node_modules (native addons, wasm, packages that must be one instance).
 */
export async function bundleNodeApp({ appDir, entry, outfile }) {
  const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const packageName = (path) => (path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]);
  await build({
    absWorkingDir: appDir,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    // Bundled CommonJS dependencies may call require().
    banner: {
      js: "import { createRequire as __parleyCreateRequire } from 'node:module'; const require = __parleyCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: "externalize-declared",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith("node:")) return { path: args.path, external: true };
            const name = packageName(args.path);
            return declared.has(name) && !name.startsWith("@parley/") ? { path: args.path, external: true } : undefined;
          });
        },
      },
    ],
  });
}
