import { z } from "zod";

// Zod compiles object parsers with `new Function` when it may, and finds out by trying once: under
// the page's CSP (no 'unsafe-eval') that try is refused, and reported as a violation, even though
// Zod catches it. Next runs this file before the app's own code, so before any schema is built.
z.config({ jitless: true });
