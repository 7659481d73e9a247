import { expect, test, type APIResponse, type Page } from "@playwright/test";

import { chatListItem, conversation, newPerson, openChat, sendMessage, startChat, theirMessages } from "./chat-support";
import { png } from "./png";
import { displayed, newUser, saveRecoveryKey, signUp, startSignup, TEST_CODE } from "./support";

const RLO = "\u202E";

/** The policy as a map of directive → sources. */
function directivesOf(response: APIResponse): Map<string, string[]> {
  const policy = response.headers()["content-security-policy"] ?? "";
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

function expectCommonHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["permissions-policy"]).toContain("microphone=(self)");
  expect(headers["permissions-policy"]).toContain("geolocation=(self)");
  expect(headers["permissions-policy"]).toContain("camera=()");
  // The suite's server is plain HTTP, and no proxy is trusted to say otherwise.
  expect(headers["strict-transport-security"]).toBeUndefined();
  expect(headers["access-control-allow-origin"]).toBeUndefined();
}

/** Every console message, page error and CSP violation on a page, from its first document on. */
async function watchForProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => problems.push(`console.${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction("reportCspViolation", (violation: string) => problems.push(`CSP violation: ${violation}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation: (violation: string) => void }).reportCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ${event.sample}`);
    });
  });
  return problems;
}

test("a page and an API response carry the security headers", async ({ request }) => {
  const page = await request.get("/login");
  expect(page.headers()["content-type"]).toContain("text/html");
  expectCommonHeaders(page);
  const policy = directivesOf(page);
  expect(policy.get("default-src")).toEqual(["'self'"]);
  expect(policy.get("connect-src")).toEqual(["'self'"]);
  expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  expect(policy.get("object-src")).toEqual(["'none'"]);
  expect(policy.get("form-action")).toEqual(["'self'"]);
  expect(policy.get("worker-src")).toEqual(["'self'"]);
  expect(policy.get("manifest-src")).toEqual(["'self'"]);

  const api = await request.get("/api/openapi.json");
  expect(api.headers()["content-type"]).toContain("application/json");
  expectCommonHeaders(api);
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");

  // A failing API call is no different.
  const unauthorized = await request.get("/api/users/me");
  expect(unauthorized.status()).toBe(401);
  expect(unauthorized.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
});

test("each load of a page has a nonce of its own, which its scripts carry, and nothing inline or evaluated", async ({
  request,
}) => {
  const nonces: string[] = [];
  for (const path of ["/login", "/login"]) {
    const response = await request.get(path);
    const scriptSrc = directivesOf(response).get("script-src") ?? [];
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(directivesOf(response).get("style-src")).not.toContain("'unsafe-inline'");
    const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(
      scriptSrc.find((source) => source.startsWith("'nonce-")) ?? "",
    )?.[1];
    expect(nonce).toBeTruthy();
    nonces.push(nonce ?? "");

    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  }
  expect(nonces[0]).not.toBe(nonces[1]);
});

test("a cross-origin request to the API gets no CORS permission", async ({ request }) => {
  const origin = "https://evil.example";
  const call = await request.get("/api/trpc/user.me", { headers: { origin } });
  const preflight = await request.fetch("/api/trpc/message.send", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
  });
  for (const response of [call, preflight]) {
    expect(response.headers()["access-control-allow-origin"]).toBeUndefined();
    expect(response.headers()["access-control-allow-credentials"]).toBeUndefined();
  }
});

test("signing up and chatting, with a photo, raise no CSP violation and log nothing", async ({
  page,
  browser,
}, testInfo) => {
  test.slow();
  const ada = newUser();
  const grace = newUser();
  const other = await newPerson(browser, testInfo);
  const problems = await watchForProblems(page);
  const otherProblems = await watchForProblems(other.page);

  await signUp(page, ada);
  await signUp(other.page, grace);
  await startChat(page, grace);
  await sendMessage(page, "Hello under a strict policy");

  // A photo: its preview is a blob: URL, its thumbnail comes back from the API.
  const chooser = page.waitForEvent("filechooser");
  await conversation(page).getByRole("button", { name: "Attach" }).click();
  await page.getByRole("menuitem", { name: "Photos & videos", exact: true }).click();
  await (await chooser).setFiles({ name: "square.png", mimeType: "image/png", buffer: png(64, 64) });
  const preview = page.getByRole("dialog", { name: "Send photo" });
  const previewImage = preview.getByRole("img", { name: "Preview of square.png" });
  await expect.poll(() => previewImage.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(64);
  await preview.getByRole("textbox", { name: "Add a caption" }).fill("A square");
  await preview.getByRole("button", { name: "Send", exact: true }).click();

  // Grace gets both live, over the WebSocket.
  await openChat(other.page, ada);
  await expect(theirMessages(other.page).filter({ hasText: "Hello under a strict policy" })).toBeVisible();
  const thumbnail = theirMessages(other.page)
    .filter({ hasText: "A square" })
    .getByRole("button", { name: "Open photo" })
    .locator("img");
  await expect.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
  await sendMessage(other.page, "Received");
  await expect(theirMessages(page).filter({ hasText: "Received" })).toBeVisible();

  // The chat screen rendered by the server (not only reached by client navigation) is as clean.
  await page.reload();
  await expect(theirMessages(page).filter({ hasText: "Received" })).toBeVisible();

  expect(problems).toEqual([]);
  expect(otherProblems).toEqual([]);
  await other.context.close();
});

test("a name with a right-to-left override is shown without it, to its owner and to others", async ({
  page,
  browser,
}, testInfo) => {
  // Shown as it was typed, "Mallory exe.png" would read "Mallory gnp.exe".
  const suffix = Math.random().toString(36).slice(2, 7);
  const mallory = { ...newUser(), name: `Mallory ${RLO}gnp.exe ${suffix}` };
  const shown = `Mallory gnp.exe ${suffix}`;
  await startSignup(page, mallory);
  await page.getByLabel("Code").fill(TEST_CODE);
  await page.getByLabel("Password", { exact: true }).fill(mallory.password);
  await page.getByLabel("Confirm password", { exact: true }).fill(mallory.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  const profile = page.getByRole("group", { name: "Your profile" });
  await expect(profile.getByText(shown, { exact: true })).toBeVisible();
  await expect(profile.getByText(displayed(mallory.phone), { exact: true })).toBeVisible();
  await saveRecoveryKey(page, mallory);

  const grace = newUser();
  const other = await newPerson(browser, testInfo);
  await signUp(other.page, grace);
  await startChat(page, grace);
  await sendMessage(page, "Open my file");

  // Isolated from the text around it, in the chat list and the conversation's header.
  await expect(chatListItem(other.page, { ...mallory, name: shown }).locator("bdi")).toHaveText(shown);
  await openChat(other.page, { ...mallory, name: shown });
  const heading = conversation(other.page).getByRole("heading", { name: shown });
  await expect(heading.locator("bdi")).toHaveText(shown);
  // And no override anywhere on either screen.
  for (const screen of [page, other.page]) {
    expect(await screen.evaluate(() => document.body.innerText.includes("\u202E"))).toBe(false);
  }
  await other.context.close();
});
