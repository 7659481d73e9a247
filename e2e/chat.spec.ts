import { expect, test } from "@playwright/test";

import {
  chatListItem,
  chooseFromMenu,
  composer,
  conversation,
  isPhone,
  messages,
  myMessages,
  newPerson,
  openChat,
  peerStatus,
  sendMessage,
  sendThroughApi,
  startChat,
  theirMessages,
  twoPeople,
  twoPeopleInAChat,
  ticksOf,
} from "./chat-support";
import { expectChats, newUser, signUp } from "./support";

// Two people sign up in every test; that alone takes a few seconds.
test.slow();

test("two people chat live, and the sender's ticks go from sent to delivered to read", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);

  await startChat(page, grace);
  await sendMessage(page, "Hello Grace, this is Ada");
  const sent = myMessages(page).last();
  // Grace is online with her chat list open: her device acknowledges it.
  await expect(ticksOf(sent)).toHaveAccessibleName(/^(Sent|Delivered)$/);
  await expect(ticksOf(sent)).toHaveAccessibleName("Delivered");

  // The new chat shows up on Grace's side without a reload, unread.
  const item = chatListItem(other.page, ada);
  await expect(item).toContainText("Hello Grace, this is Ada");
  await expect(item.getByTestId("unread-badge")).toHaveText(/^1/);
  await openChat(other.page, ada);
  await expect(theirMessages(other.page)).toHaveText([/Hello Grace, this is Ada/]);
  await expect(ticksOf(sent)).toHaveAccessibleName("Read");
  await expect(peerStatus(page)).toHaveText("online");

  // And back the other way, while both have the chat open: read at once.
  await sendMessage(other.page, "Hi Ada! Good to hear from you");
  await expect(theirMessages(page).last()).toContainText("Hi Ada! Good to hear from you");
  await expect(ticksOf(myMessages(other.page).last())).toHaveAccessibleName("Read");

  await sendMessage(page, "Shall we meet on Thursday?");
  await expect(theirMessages(other.page).last()).toContainText("Shall we meet on Thursday?");
  await expect(messages(other.page)).toHaveText([/Hello Grace/, /Hi Ada!/, /Thursday/]);
  await other.context.close();
});

test("messages sent while the other person is away arrive once, in order, when they come back", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other: first } = await twoPeople(page, browser, testInfo);
  await startChat(page, grace);
  await sendMessage(page, "Are you there?");
  await openChat(first.page, ada);
  await expect(ticksOf(myMessages(page).last())).toHaveAccessibleName("Read");

  // Grace closes Parley (her browser keeps her device: its keys and its session).
  await first.page.close();
  await expect(peerStatus(page)).toContainText("last seen");

  const away = ["First while you were away", "Second while you were away", "Third while you were away"];
  for (const text of away) await sendMessage(page, text);
  // Nobody's device has them: one tick each.
  for (const text of away) {
    await expect(ticksOf(myMessages(page).filter({ hasText: text }))).toHaveAccessibleName("Sent");
  }

  // She opens it again: the chat says three unread, and her device now has them.
  const second = { context: first.context, page: await first.context.newPage() };
  await second.page.goto("/chats");
  await expectChats(second.page, grace);
  await expect(chatListItem(second.page, ada).getByTestId("unread-badge")).toHaveText(/^3/);
  await expect(ticksOf(myMessages(page).last())).toHaveAccessibleName("Delivered");
  await expect(peerStatus(page)).toHaveText("online");

  await openChat(second.page, ada);
  await expect(messages(second.page)).toHaveText([/Are you there\?/, ...away.map((text) => new RegExp(text))]);
  await expect(conversation(second.page).getByText("3 unread messages")).toBeVisible();
  for (const text of away) {
    await expect(ticksOf(myMessages(page).filter({ hasText: text }))).toHaveAccessibleName("Read");
  }
  await second.context.close();
});

test("the other person sees “typing…” while one types, until the message is sent", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, other } = await twoPeopleInAChat(page, browser, testInfo, ["Let me tell you something"]);
  await expect(peerStatus(other.page)).toHaveText("online");

  await composer(page).pressSequentially("It is about the Analytical Engine", { delay: 30 });
  await expect(peerStatus(other.page)).toHaveText("typing…");
  if (!isPhone(testInfo)) await expect(chatListItem(other.page, ada)).toContainText("typing…");

  await composer(page).press("Enter");
  await expect(theirMessages(other.page).last()).toContainText("It is about the Analytical Engine");
  await expect(peerStatus(other.page)).toHaveText("online");
  await other.context.close();
});

test("replying to a message quotes it, and deleting for everyone blanks it on both sides", async ({
  page,
  browser,
}, testInfo) => {
  const { other } = await twoPeopleInAChat(page, browser, testInfo, [
    "Which language should I learn first?",
    "Oops, wrong chat",
  ]);

  const question = theirMessages(other.page).filter({ hasText: "Which language" });
  await question.click({ button: "right" });
  await other.page.getByRole("menuitem", { name: "Reply" }).click();
  await expect(other.page.getByTestId("reply-preview")).toContainText("Which language should I learn first?");
  await sendMessage(other.page, "COBOL, obviously");
  const answer = theirMessages(page).filter({ hasText: "COBOL, obviously" });
  await expect(answer.getByTestId("quoted-message")).toContainText("Which language should I learn first?");
  await expect(answer.getByTestId("quoted-message")).toContainText("You");

  const oops = myMessages(page).filter({ hasText: "Oops, wrong chat" });
  await oops.hover();
  await chooseFromMenu(page, oops.getByRole("button", { name: "Message options" }), "Delete");
  await page
    .getByRole("dialog", { name: "Delete message?" })
    .getByRole("button", { name: "Delete for everyone" })
    .click();
  await expect(myMessages(page).filter({ hasText: "You deleted this message" })).toHaveCount(1);
  await expect(theirMessages(other.page).filter({ hasText: "This message was deleted" })).toHaveCount(1);
  await expect(other.page.getByText("Oops, wrong chat")).toHaveCount(0);

  // Deleting for me only removes it here.
  const reply = theirMessages(page).filter({ hasText: "COBOL" });
  await reply.click({ button: "right" });
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete message?" });
  await expect(dialog.getByRole("button", { name: "Delete for everyone" })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Delete for me" }).click();
  await expect(page.getByText("COBOL, obviously")).toHaveCount(0);
  await expect(myMessages(other.page).filter({ hasText: "COBOL, obviously" })).toHaveCount(1);
  await other.context.close();
});

test("a blocked person's messages are refused, and unblocking lets them through again", async ({
  page,
  browser,
}, testInfo) => {
  const { grace, other } = await twoPeopleInAChat(page, browser, testInfo, ["Hi there"]);

  await chooseFromMenu(page, conversation(page).getByRole("button", { name: "Chat options" }), "Block contact");
  await page
    .getByRole("dialog", { name: `Block ${grace.name}?` })
    .getByRole("button", { name: "Block" })
    .click();
  await expect(conversation(page).getByText(`You blocked ${grace.name}.`)).toBeVisible();
  await expect(composer(page)).toHaveCount(0);

  await composer(other.page).fill("Why did you block me?");
  await composer(other.page).press("Enter");
  const refused = myMessages(other.page).filter({ hasText: "Why did you block me?" });
  await expect(ticksOf(refused)).toHaveAccessibleName("Not sent");
  await expect(other.page.getByRole("group", { name: "Message not sent" })).toContainText(
    "You can't send messages to this person.",
  );

  await conversation(page).getByRole("button", { name: "Unblock" }).click();
  await expect(composer(page)).toBeVisible();
  await other.page.getByRole("group", { name: "Message not sent" }).getByRole("button", { name: "Retry" }).click();
  await expect(ticksOf(refused)).toHaveAccessibleName(/^(Sent|Delivered|Read)$/);
  await expect(theirMessages(page).last()).toContainText("Why did you block me?");
  await other.context.close();
});

test("a new chat by phone number tells when nobody has that number", async ({ page }) => {
  await signUp(page, newUser());
  await page.getByRole("button", { name: "New chat" }).click();
  const panel = page.getByRole("region", { name: "New chat" });
  await panel.getByLabel("Phone number").fill(newUser().phone);
  await panel.getByRole("button", { name: "Search" }).click();
  await expect(panel.getByRole("alert")).toHaveText("Nobody on Parley has this phone number yet.");
  await panel.getByRole("button", { name: "Back to chats" }).click();
  await expect(page.getByText("No chats yet")).toBeVisible();
});

test("a long history loads page by page when scrolling up, and a reload reopens the chat", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);

  // Sixty messages from Grace, through the API (faster than typing them), while Ada is away.
  await page.goto("about:blank");
  await sendThroughApi(
    other.page,
    ada,
    Array.from({ length: 60 }, (_, index) => `Message number ${index + 1}`),
  );

  // Forget the stream position (as a new tab would), so the history comes from paging alone, not a replay.
  await page.goto("/healthz");
  await page.evaluate(() => window.sessionStorage.clear());
  await page.goto("/chats");
  await openChat(page, grace);
  await expect(theirMessages(page).last()).toHaveText(/Message number 60/);
  await expect(page.getByText("Message number 1", { exact: true })).toHaveCount(0);
  const log = conversation(page).getByRole("log", { name: "Messages" });
  await expect(async () => {
    await log.evaluate((element) => element.scrollTo({ top: 0 }));
    await expect(page.getByText("Message number 1", { exact: true })).toBeAttached({ timeout: 1_000 });
  }).toPass();
  await expect(messages(page)).toHaveCount(60);
  await expect(page.getByText(`This is the start of your chat with ${grace.name}.`)).toBeVisible();

  await page.reload();
  await expect(conversation(page).getByRole("heading", { name: grace.name })).toBeVisible();
  await expect(theirMessages(page).last()).toHaveText(/Message number 60/);
  await other.context.close();
});

test("on a phone the list and the conversation are separate screens", async ({ page, browser }, testInfo) => {
  test.skip(!isPhone(testInfo), "phone layout only");
  const ada = newUser();
  const grace = newUser();
  const other = await newPerson(browser, testInfo);
  await signUp(other.page, grace);
  await other.context.close();
  await signUp(page, ada);

  await startChat(page, grace);
  await expect(page.getByRole("complementary", { name: "Chats" })).toBeHidden();
  await sendMessage(page, "Hello from my phone");
  await conversation(page).getByRole("button", { name: "Back to chats" }).click();
  await expect(conversation(page)).toHaveCount(0);
  await expect(chatListItem(page, grace)).toContainText("Hello from my phone");
  await openChat(page, grace);
  await page.goBack();
  await expect(chatListItem(page, grace)).toBeVisible();
});

test("offline, a message waits with a clock and a banner says so; back online, it goes out", async ({
  page,
  browser,
  context,
}, testInfo) => {
  const { grace, other } = await twoPeopleInAChat(page, browser, testInfo, ["Before the tunnel"]);

  await context.setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: "You're offline" }).first()).toBeVisible();
  await composer(page).fill("Inside the tunnel");
  await composer(page).press("Enter");
  const waiting = myMessages(page).filter({ hasText: "Inside the tunnel" });
  await expect(ticksOf(waiting)).toHaveAccessibleName("Sending");
  if (!isPhone(testInfo)) await expect(chatListItem(page, grace).getByRole("img", { name: "Sending" })).toBeVisible();

  await context.setOffline(false);
  await expect(ticksOf(waiting)).toHaveAccessibleName(/^(Sent|Delivered|Read)$/);
  await expect(page.getByText("You're offline")).toHaveCount(0);
  await expect(theirMessages(other.page).last()).toContainText("Inside the tunnel");
  await expect(theirMessages(other.page)).toHaveCount(2);
  await other.context.close();
});
