import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * Shared flat config, type-aware: the rules that need the type checker are the
 * ones that catch real bugs here (a promise nobody awaits, an async callback
 * where a sync one is expected, an `any` leaking out of a parse). Environment
 * variables are read only in validated `env.ts` modules, so `process.env` is
 * forbidden everywhere else.
 */
export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/.next/**", "**/node_modules/**", "**/*.config.*", "**/next-env.d.ts", "**/*.mjs"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true } },
  },
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports" },
      ],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through the package's validated env.ts." },
      ],
      "no-console": "error",
      // The in-memory halves of our async interfaces (store, bus, presence) have nothing to
      // await, and `async` is what keeps them throwing as rejections like their Redis twins.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["**/env.ts", "**/*.test.ts", "**/test/**", "**/bench/**", "**/examples/**", "e2e/**"],
    rules: { "no-restricted-properties": "off" },
  },
);
