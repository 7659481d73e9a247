import { build } from "esbuild";

// Bundle the server entry with our workspace packages (TypeScript sources);
// every npm dependency stays external and is loaded from node_modules.
await build({
  entryPoints: ["src/server/start.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  plugins: [
    {
      name: "externalize-npm",
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@parley/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
