import base from "@parley/eslint-config/base";

export default [{ ignores: ["docs-api/**"] }, ...base];
