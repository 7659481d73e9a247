import nextPlugin from "@next/eslint-plugin-next";
import jsxA11y from "eslint-plugin-jsx-a11y";

import base from "./base.js";

/**
 * The web app's config: the shared one, plus accessibility (every control has a name, nothing
 * clickable that a keyboard can't reach) and Next's own rules.
 */
export default [
  ...base,
  { files: ["**/*.{ts,tsx}"], ...jsxA11y.flatConfigs.recommended },
  { files: ["**/*.{ts,tsx}"], ...nextPlugin.configs["core-web-vitals"] },
  {
    files: ["**/*.{ts,tsx}"],
    rules: {
      // Dialogs and single-task pages (log in, a code) put the caret where the task starts, as
      // the ARIA dialog pattern asks; nothing moves focus behind the user's back.
      "jsx-a11y/no-autofocus": "off",
      // Voice notes and videos are what people recorded: there is no caption track to give.
      "jsx-a11y/media-has-caption": "off",
      // Every picture is a short-lived signed URL or a blob: preview; Next's optimiser would
      // fetch and cache people's files on the server, which end-to-end encryption rules out.
      "@next/next/no-img-element": "off",
    },
  },
];
