import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect, test } from "@playwright/test";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// The SDK README's example, run the way the README says, against the server `pnpm start` runs
// (the same build, with the same OTP_TEST_NUMBERS): no browser involved.
test("the SDK README's example runs against the running server as written", async ({ baseURL, isMobile }) => {
  test.skip(isMobile, "No browser involved: one run is enough.");
  const ws = new URL("/ws", baseURL);
  ws.protocol = "ws:";
  const { stdout } = await promisify(execFile)("npx", ["--yes", "pnpm@12.4.2", "--filter", "@parley/sdk", "example"], {
    cwd: repoRoot,
    // Not configuration read here: the child gets this environment (PATH, HOME for npx) plus its URL.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, PARLEY_URL: ws.href },
    timeout: 50_000,
  });
  expect(stdout).toContain('Ben got "Hi Ben!"');
  expect(stdout).toMatch(/Ana sent message \d+ \(seq 1\): sent/);
  expect(stdout).toMatch(/Ana sees delivered for message \d+/);
});
