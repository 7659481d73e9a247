import { expect, test, type Page } from "@playwright/test";

/** OTP_TEST_NUMBERS in playwright.config.ts gives every +1415201… number this code, without an SMS. */
export const TEST_CODE = "123456";

let sequence = Math.floor(Math.random() * 1000);

/**
 * A fresh, valid US number under the +1415201 test prefix. Only four digits
 * fit after it (+1 415 201 xxxx); the worker index keeps parallel workers
 * apart and the sequence keeps one worker's tests apart.
 */
export function newPhoneNumber(): string {
  sequence = (sequence + 1) % 1000;
  const worker = test.info().workerIndex % 10;
  return `+1415201${worker}${String(sequence).padStart(3, "0")}`;
}

/** "+14152011234" → "+1 415 201 1234", as the app shows it. */
export function displayed(phone: string): string {
  return `${phone.slice(0, 2)} ${phone.slice(2, 5)} ${phone.slice(5, 8)} ${phone.slice(8)}`;
}

export type TestUser = {
  name: string;
  phone: string;
  password: string;
  /** Shown once after sign-up, when the first device set up end-to-end encryption. */
  recoveryKey?: string;
};

export function newUser(): TestUser {
  const suffix = Math.random().toString(36).slice(2, 7);
  return { name: `Ada Lovelace ${suffix}`, phone: newPhoneNumber(), password: `correct horse ${suffix}` };
}

export async function startSignup(page: Page, user: TestUser) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(user.name);
  await page.getByLabel("Phone number").fill(user.phone);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Verify your number" })).toBeVisible();
}

/**
 * A new user, made through the REST API and signed in to the web app with the token, as the
 * sign-up form does: one page load instead of three. The form itself is tested in auth.spec.ts.
 */
export async function signUp(page: Page, user: TestUser) {
  const api = page.request;
  const registered = await api.post("/api/auth/register", { data: { phone_number: user.phone, full_name: user.name } });
  expect(registered.ok(), await registered.text()).toBe(true);
  const verified = await api.post("/api/auth/verify-otp", {
    data: { phone_number: user.phone, otp: TEST_CODE, password: user.password },
  });
  expect(verified.ok(), await verified.text()).toBe(true);
  const { token } = (await verified.json()) as { token: string };
  // next-auth's credentials sign-in, as signIn("credentials", { token }) posts it: the cookie lands in this context.
  const { csrfToken } = (await (await api.get("/api/nextauth/csrf")).json()) as { csrfToken: string };
  const signedIn = await api.post("/api/nextauth/callback/credentials", { form: { token, csrfToken } });
  expect(signedIn.ok(), await signedIn.text()).toBe(true);
  await page.goto("/chats");
  await expectChats(page, user);
  await saveRecoveryKey(page, user);
}

/** The first device shows the account's recovery key once: the user writes it down (here, into `user`). */
export async function saveRecoveryKey(page: Page, user: TestUser) {
  const dialog = page.getByRole("dialog", { name: "Your recovery key" });
  // Making the account and device keys is the slow part of a sign-up on a busy machine.
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  user.recoveryKey = (await dialog.getByTestId("recovery-key").textContent()) ?? "";
  await dialog.getByRole("button", { name: "I’ve saved it" }).click();
  await expect(dialog).toBeHidden();
}

/** A new browser of an account with encryption set up: the recovery key brings the chats here. */
export async function restoreEncryption(page: Page, user: TestUser) {
  const dialog = page.getByRole("dialog", { name: "Restore your encrypted chats" });
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  await dialog.getByLabel("Recovery key").fill(user.recoveryKey ?? "");
  await dialog.getByRole("button", { name: "Restore" }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
}

export async function logIn(page: Page, user: Pick<TestUser, "phone" | "password">) {
  await page.goto("/login");
  await page.getByLabel("Phone number").fill(user.phone);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("menuitem", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  // On the origin the browser opened, where the session's cookies are (not localhost for 127.0.0.1).
  expect(new URL(page.url()).origin).toBe(new URL(String(test.info().project.use.baseURL)).origin);
  await expect(page.getByRole("heading", { name: "Log in to Parley" })).toBeVisible();
}

/** The API token of the browser's web session, as next-auth hands it to the page. */
export async function currentApiToken(page: Page): Promise<string> {
  const response = await page.request.get("/api/nextauth/session");
  const session = (await response.json()) as { apiToken?: unknown } | null;
  expect(typeof session?.apiToken).toBe("string");
  return String(session?.apiToken);
}

/** The form's error box (Next's route announcer is an alert too, outside <main>). */
export function formAlert(page: Page) {
  return page.getByRole("main").getByRole("alert");
}

export async function expectChats(page: Page, user: TestUser) {
  await expect(page).toHaveURL(/\/chats$/);
  const profile = page.getByRole("group", { name: "Your profile" });
  await expect(profile.getByText(user.name, { exact: true })).toBeVisible();
  await expect(profile.getByText(displayed(user.phone), { exact: true })).toBeVisible();
}
