import type { NextConfig } from "next";

// Security headers (CSP with a per-request nonce, HSTS, framing, permissions) are set for every
// response, API and pages alike, by the server entry: src/server/security-headers.ts.
const config: NextConfig = {
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@parley/validators", "@parley/sdk"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
