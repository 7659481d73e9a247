import { expect, test } from "@playwright/test";

// The API reference (/api/docs): Redoc renders /api/openapi.json under the page's own policy,
// which replaces the API's `default-src 'none'`, and loads nothing from another origin.
test("the API reference renders the document, searchable, with nothing blocked and nothing from elsewhere", async ({
  page,
  baseURL,
  isMobile,
}) => {
  test.skip(isMobile, "The page is Redoc's own layout: one viewport is enough.");
  const problems: string[] = [];
  const elsewhere: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol !== "blob:" && url.protocol !== "data:" && url.origin !== new URL(baseURL ?? "").origin)
      elsewhere.push(request.url());
  });
  await page.exposeFunction("reportCspViolation", (violation: string) => problems.push(`CSP violation: ${violation}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation: (violation: string) => void }).reportCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });

  const response = await page.goto("/api/docs");
  expect(response?.status()).toBe(200);
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("script-src 'self'");
  expect(policy).not.toContain("default-src 'none'; frame-ancestors 'none'");

  // Redoc's heading holds its anchor link, whose name some Chromium versions put in front of the
  // title. It renders the first operations at once and the rest later (on a busy machine, much
  // later), so the first one shows the document rendered; search below reaches the others.
  // Redoc parses the whole document on the main thread before it shows anything: as the first
  // test of a run, beside a cold server and another worker, that has taken over 15 s.
  await expect(page.getByRole("heading", { name: /Parley REST API/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("heading", { name: /(^| )Start sign-up: send a code by SMS$/ })).toBeVisible();
  // Search runs in a worker Redoc builds from a blob: URL.
  await page.getByPlaceholder("Search...").fill("forward");
  await expect(
    page.locator('[data-role="search:results"]').getByText("Forward messages to chats and groups"),
  ).toBeVisible();

  expect(problems).toEqual([]);
  expect(elsewhere).toEqual([]);
});
