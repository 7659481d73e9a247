import { expect, type Browser, type BrowserContext, type Page, type TestInfo } from "@playwright/test";

import { currentApiToken, newUser, signUp, type TestUser } from "./support";

/**
 * A second person in the same test: a browser context of its own (its own
 * cookies, its own WebSocket), sized like the project's (desktop or phone).
 */
export async function newPerson(
  browser: Browser,
  testInfo: TestInfo,
): Promise<{ context: BrowserContext; page: Page }> {
  const { viewport, isMobile, hasTouch, deviceScaleFactor, baseURL } = testInfo.project.use;
  const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor, baseURL });
  return { context, page: await context.newPage() };
}

/** Ada signed up on `page`, Grace on a second person's page. */
export async function twoPeople(page: Page, browser: Browser, testInfo: TestInfo) {
  const ada = newUser();
  const grace = newUser();
  const other = await newPerson(browser, testInfo);
  await signUp(page, ada);
  await signUp(other.page, grace);
  return { ada, grace, other };
}

/**
 * Ada (on `page`) starts a chat with Grace (a second person) with these
 * messages, and Grace opens it: the starting point of most two-person tests.
 */
export async function twoPeopleInAChat(page: Page, browser: Browser, testInfo: TestInfo, firstMessages: string[]) {
  const people = await twoPeople(page, browser, testInfo);
  await startChat(page, people.grace);
  for (const text of firstMessages) await sendMessage(page, text);
  await openChat(people.other.page, people.ada);
  return people;
}

/** Ada on `page`, Grace and Linus each a person of their own: the three of a group test. */
export async function threePeople(page: Page, browser: Browser, testInfo: TestInfo) {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  const linus = newUser();
  const third = await newPerson(browser, testInfo);
  await signUp(third.page, linus);
  return { ada, grace, linus, other, third };
}

export function isPhone(testInfo: TestInfo): boolean {
  return testInfo.project.name === "phone";
}

/** "New chat" → the peer's number → their profile → the conversation. */
export async function startChat(page: Page, peer: TestUser) {
  await page.getByRole("button", { name: "New chat" }).click();
  const panel = page.getByRole("region", { name: "New chat" });
  await panel.getByLabel("Phone number").fill(peer.phone);
  await panel.getByRole("button", { name: "Search" }).click();
  await panel.getByRole("button", { name: `Chat with ${peer.name}` }).click();
  await expectConversationWith(page, peer);
}

export function chatListItem(page: Page, peer: TestUser) {
  return page.getByRole("list", { name: "Chat list" }).getByTestId("chat-list-item").filter({ hasText: peer.name });
}

export async function openChat(page: Page, peer: TestUser) {
  await chatListItem(page, peer).click();
  await expectConversationWith(page, peer);
}

/** The open conversation, a 1:1 chat or a group. */
export function conversation(page: Page) {
  return page.getByRole("region", { name: /^(Chat with |Group chat )/ });
}

export async function expectConversationWith(page: Page, peer: TestUser) {
  await expect(conversation(page).getByRole("heading", { name: peer.name })).toBeVisible();
}

export function composer(page: Page) {
  return page.getByRole("textbox", { name: "Type a message" });
}

export async function sendMessage(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await expect(myMessages(page).filter({ hasText: text }).last()).toBeVisible();
}

export function messages(page: Page) {
  return conversation(page).getByRole("log", { name: "Messages" }).getByTestId("message");
}

export function myMessages(page: Page) {
  return messages(page).and(page.locator('[data-from="me"]'));
}

export function theirMessages(page: Page) {
  return messages(page).and(page.locator('[data-from="them"]'));
}

/** The ticks of one of my messages: an image named Sending, Sent, Delivered or Read. */
export function ticksOf(message: ReturnType<typeof messages>) {
  return message.getByRole("img", { name: /^(Sending|Sent|Delivered|Read|Not sent)$/ });
}

export function peerStatus(page: Page) {
  return conversation(page).getByTestId("peer-status");
}

/** The conversation's ⋮ menu or a message's options menu, then one of its items. */
export async function chooseFromMenu(page: Page, button: ReturnType<Page["getByRole"]>, item: string) {
  await button.click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}

/** A message's own menu (a right-click, as a long press on a phone), then one of its items. */
export async function chooseForMessage(page: Page, message: ReturnType<typeof messages>, item: string) {
  await message.click({ button: "right" });
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}

/** Reacts to a message from its menu's "React", picking one emoji of the quick bar. */
export async function reactTo(page: Page, message: ReturnType<typeof messages>, emoji: string) {
  await chooseForMessage(page, message, "React");
  await page.getByRole("menu", { name: "React" }).getByRole("menuitemradio", { name: emoji, exact: true }).click();
}

/** The reaction chips under a message. */
export function reactionsOf(message: ReturnType<typeof messages>) {
  return message.getByRole("group", { name: "Reactions" }).getByTestId("reaction");
}

/** Messages from the user signed in on `page` to `to`, through the REST API (faster than typing them). */
export async function sendThroughApi(page: Page, to: TestUser, contents: string[]) {
  const headers = { authorization: `Bearer ${await currentApiToken(page)}` };
  const found = await page.request.get(`/api/users/search?phone_number=${encodeURIComponent(to.phone)}`, { headers });
  const { id: receiverId } = (await found.json()) as { id: number };
  for (const content of contents) {
    const response = await page.request.post("/api/messages/chat", {
      headers,
      data: { receiver_id: receiverId, content, client_msg_id: crypto.randomUUID() },
    });
    expect(response.ok()).toBe(true);
  }
}
