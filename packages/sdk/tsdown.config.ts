import { defineConfig, type UserConfig } from "tsdown";

type Plugin = Extract<NonNullable<UserConfig["plugins"]>, { name: string }>;

/**
 * The d.ts bundler turns `export type * from "@parley/validators"` into value exports, so the types would
 * promise schemas (`sendMessageInput`, …) that the JS does not export. Whatever an entry's JS does not
 * export becomes a type-only export of its d.ts.
 */
function typeOnlyWhereNoValue(): Plugin {
  return {
    name: "parley:type-only-where-no-value",
    generateBundle(_options, bundle) {
      for (const dts of Object.values(bundle)) {
        if (dts.type !== "chunk" || !dts.isEntry || !dts.fileName.endsWith(".d.ts")) continue;
        const js = bundle[dts.fileName.replace(/\.d\.ts$/, ".js")];
        if (js?.type !== "chunk") throw new Error(`No JS entry beside ${dts.fileName}`);
        const values = new Set(js.exports);
        dts.code = dts.code.replace(/export \{([^}]*)\};?\s*$/, (_statement, list: string) => {
          const specifiers = list
            .split(",")
            .map((specifier) => specifier.trim())
            .filter(Boolean)
            .map((specifier) => {
              const exported = specifier.split(/\s+as\s+/).at(-1) ?? specifier;
              return specifier.startsWith("type ") || values.has(exported) ? specifier : `type ${specifier}`;
            });
          return `export { ${specifiers.join(", ")} };\n`;
        });
      }
    },
  };
}

export default defineConfig({
  entry: { index: "src/index.ts", node: "src/node.ts" },
  format: "esm",
  // One bundle for browsers and Node: Node's built-ins and `ws` are reached only from the `./node` entry.
  platform: "neutral",
  target: "es2022",
  fixedExtension: false,
  // Maps @parley/api to build/app-router.ts (the router as a client sees it) and bundles @parley/validators.
  tsconfig: "tsconfig.build.json",
  dts: true,
  deps: { neverBundle: [/^node:/] },
  treeshake: {
    // @parley/validators is bundled for the few constants the SDK uses; its Zod schemas are types only here,
    // and building one (a call into zod) has no effect beyond its value.
    moduleSideEffects: [{ test: /\/packages\/validators\//, sideEffects: false }],
    manualPureFunctions: ["z"],
  },
  plugins: [typeOnlyWhereNoValue()],
  clean: true,
});
