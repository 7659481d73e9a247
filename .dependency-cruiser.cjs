/**
 * Import rules the lint holds for every package and app. Only one today: no
 * circles. A cycle means two modules can't be understood (or loaded) apart,
 * so layering problems show up here first.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Imports run one way: break the circle by moving the shared part below both.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules"] },
    exclude: { path: ["(^|/)(dist|\\.next|\\.turbo|coverage|node_modules)/"] },
    // Type-only imports count: a circle of types is still a circle in the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: ".dependency-cruiser.tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs", ".d.ts"],
    },
    combinedDependencies: false,
    preserveSymlinks: false,
  },
};
