import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { defineConfig, type LaunchOptions } from "@playwright/test";

// E2E_PORT lets two checkouts run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 4173);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const baseURL = `http://127.0.0.1:${PORT}`;

// Every run starts from an empty database. Workers re-read this file, so the
// directory is made once in the main process and handed down via the env.
if (!process.env.PARLEY_E2E_DATA_DIR) {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-e2e-"));
  process.env.PARLEY_E2E_DATA_DIR = dataDir;
  process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
}
const dataDir = process.env.PARLEY_E2E_DATA_DIR;

const launchOptions: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: ".",
  // The server's data (database, media, log), which the encryption test scans for plaintext.
  metadata: { dataDir },
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["github"]] : "list",
  // Sized for a busy 2-core machine, where two browsers, the server and its argon2 hashing share
  // the cores: a sign-up alone (one hash, three page loads) can take 10 s there. A test waits
  // on what it needs to see, never on the clock, so a longer limit only changes how long a real
  // failure takes to report. The three-person group test takes 50-58 s with two workers on an
  // otherwise idle 2-core box, so 60 s left no room for a busy one.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL,
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "desktop",
      use: { browserName: "chromium", viewport: { width: 1280, height: 800 }, launchOptions },
    },
    {
      name: "phone",
      // The phone layout differs in how you move between the chat list and a conversation, and
      // in the composer, message menus and media controls: these specs walk every such path.
      // Sign-up, contacts and security are the same pages either way, so they run once, on
      // desktop, which keeps the suite inside CI's time on a 2-core machine.
      testMatch: ["chat.spec.ts", "media.spec.ts", "group.spec.ts", "message-actions.spec.ts"],
      // Of those, the ones about delivery and the media pipeline rather than the screen (catching
      // up after being away, paging a long history, a cancelled upload, profile and group
      // pictures) run once, on desktop: CI's time goes to the paths the phone layout has its own.
      grepInvert:
        /arrive once, in order, when they come back|loads page by page|a cancelled upload|a group picture and a photo|a profile photo goes through/,
      use: {
        browserName: "chromium",
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        launchOptions,
      },
    },
  ],
  webServer: {
    // The log goes to a file beside the data, which the encryption test scans for plaintext too.
    command: `sh -c 'exec node apps/web/dist/server.mjs >> "$DATA_DIR/server.log"'`,
    cwd: repoRoot,
    url: `${baseURL}/healthz`,
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      OTP_TEST_NUMBERS: "+1415201*:123456",
      // Every request is logged, as in production: what the encryption test scans must be there.
      LOG_LEVEL: "info",
      // Every browser here is one address (127.0.0.1) and every number shares +1415201: the
      // per-address and per-block limits would stop the suite, not an attacker (their own tests are in @parley/api).
      RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
      RATE_LIMIT_OTP_PER_HOUR_PER_IP: "100000",
      RATE_LIMIT_OTP_PER_HOUR_PER_PREFIX: "100000",
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: "100000",
      RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
