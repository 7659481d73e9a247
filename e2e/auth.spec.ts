import { expect, test } from "@playwright/test";

import {
  currentApiToken,
  displayed,
  expectChats,
  formAlert,
  logIn,
  logOut,
  newUser,
  signUp,
  restoreEncryption,
  startSignup,
  TEST_CODE,
} from "./support";

test("a new user signs up with the SMS code and lands on their chats", async ({ page }, testInfo) => {
  const user = newUser();
  await startSignup(page, user);
  await expect(page.getByText(`Enter the code sent to ${displayed(user.phone)}`)).toBeVisible();
  await expect(page.getByText(/code is printed in the terminal running Parley/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Resend code" })).toBeDisabled();

  await page.getByLabel("Code").fill(TEST_CODE);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByLabel("Confirm password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expectChats(page, user);
  await expect(page.getByText("No chats yet")).toBeVisible();
  const placeholder = page.getByText("Select a chat to start messaging");
  if (testInfo.project.name === "phone") await expect(placeholder).toBeHidden();
  else await expect(placeholder).toBeVisible();
});

test("the code step checks the code and the passwords", async ({ page }) => {
  const user = newUser();
  await startSignup(page, user);

  await page.getByLabel("Code").fill("000000");
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByLabel("Confirm password", { exact: true }).fill(`${user.password}!`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("The passwords don't match")).toBeVisible();

  await page.getByLabel("Confirm password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("That code is wrong. 4 tries left.")).toBeVisible();
  await expect(page).toHaveURL(/\/signup$/);

  await page.getByLabel("Code").fill(TEST_CODE);
  await page.getByRole("button", { name: "Create account" }).click();
  await expectChats(page, user);
});

test("a user logs out and logs back in with their password", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  const apiToken = await currentApiToken(page);
  await logOut(page);

  // Logging out of the web app ends the API session behind it too.
  const me = await page.request.get("/api/users/me", { headers: { authorization: `Bearer ${apiToken}` } });
  expect(me.status()).toBe(401);

  await page.goto("/chats");
  await expect(page).toHaveURL(/\/login$/);

  await logIn(page, user);
  await expectChats(page, user);
});

test("a wrong password shows the error and stays on the login page", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  await logOut(page);

  await logIn(page, { phone: user.phone, password: "not my password" });
  await expect(formAlert(page)).toHaveText("Wrong phone number or password.");
  await expect(page).toHaveURL(/\/login$/);
});

test("signing up again with a registered number says it already has an account", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  await logOut(page);

  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Someone Else");
  await page.getByLabel("Phone number").fill(user.phone);
  await page.getByRole("button", { name: "Continue" }).click();

  const alert = formAlert(page);
  await expect(alert).toContainText("This phone number already has a Parley account");
  await alert.getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/login\?phone=/);
  await expect(page.getByLabel("Phone number")).toHaveValue(displayed(user.phone));
});

test("without a session the chats redirect to the login page", async ({ page }) => {
  await page.goto("/chats");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Log in to Parley" })).toBeVisible();

  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a forgotten password is reset with a code and the new one works", async ({ page }) => {
  // Sign-up, reset and two logins: four argon2 hashes and four page flows, near 30 s on a busy machine.
  test.slow();
  const user = newUser();
  await signUp(page, user);
  await logOut(page);

  await page.getByLabel("Phone number").fill(user.phone);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await expect(page.getByLabel("Phone number")).toHaveValue(displayed(user.phone));
  await page.getByRole("button", { name: "Send code" }).click();

  const newPassword = `${user.password} v2`;
  await expect(page.getByText(`Enter the code sent to ${displayed(user.phone)}`)).toBeVisible();
  await page.getByLabel("Code").fill(TEST_CODE);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password", { exact: true }).fill(newPassword);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expectChats(page, user);
  // Logged out before, this browser kept no keys: it is a new device, which the recovery key restores.
  await restoreEncryption(page, user);

  await logOut(page);
  await logIn(page, user);
  await expect(formAlert(page)).toHaveText("Wrong phone number or password.");
  await logIn(page, { phone: user.phone, password: newPassword });
  await expectChats(page, { ...user, password: newPassword });
});

test("logging out on all devices ends the other browsers' sessions", async ({ page, browser }) => {
  const user = newUser();
  await signUp(page, user);

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await logIn(other, user);
  await expectChats(other, user);

  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("menuitem", { name: "Log out on all devices" }).click();
  await expect(page).toHaveURL(/\/login$/);

  // The other browser may already be on its way to the login page by itself (its live stream is
  // closed when the session is revoked), which aborts a reload: retry until it has landed there.
  await expect(async () => {
    await other.reload();
    await expect(other).toHaveURL(/\/login$/, { timeout: 2_000 });
  }).toPass();
  await otherContext.close();
});
