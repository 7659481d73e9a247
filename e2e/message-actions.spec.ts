import { expect, test, type Page } from "@playwright/test";

import {
  chatListItem,
  chooseForMessage,
  composer,
  conversation,
  isPhone,
  messages,
  myMessages,
  openChat,
  reactionsOf,
  reactTo,
  sendMessage,
  sendThroughApi,
  startChat,
  theirMessages,
  threePeople,
  twoPeople,
  twoPeopleInAChat,
} from "./chat-support";

// Two or three people sign up in every test; that alone takes a few seconds.
test.slow();

async function backToChats(page: Page) {
  await conversation(page).getByRole("button", { name: "Back to chats" }).click();
  await expect(conversation(page)).toHaveCount(0);
}

test("a reaction and an edit show live on both sides", async ({ page, browser }, testInfo) => {
  const { ada, grace, other } = await twoPeopleInAChat(page, browser, testInfo, ["Lunch at noon?"]);

  // Grace reacts with a thumbs up from the message's menu; Ada sees it without a reload.
  await reactTo(other.page, theirMessages(other.page).filter({ hasText: "Lunch at noon?" }), "👍");
  const adaSide = myMessages(page).filter({ hasText: "Lunch at noon?" });
  await expect(reactionsOf(adaSide)).toHaveCount(1);
  await expect(reactionsOf(adaSide)).toHaveText("👍1");
  await expect(reactionsOf(adaSide)).toHaveAttribute("title", new RegExp(`^${grace.name}`));
  await expect(reactionsOf(adaSide)).toHaveAttribute("aria-pressed", "false");
  const graceSide = theirMessages(other.page).filter({ hasText: "Lunch at noon?" });
  await expect(reactionsOf(graceSide)).toHaveAttribute("aria-pressed", "true");

  // Ada reacts too, with another emoji: two chips, one each.
  await reactTo(page, adaSide, "😂");
  await expect(reactionsOf(graceSide)).toHaveText(["👍1", "😂1"]);

  // Ada fixes her message: the box holds its text, Enter saves it.
  await chooseForMessage(page, adaSide, "Edit");
  await expect(page.getByTestId("edit-preview")).toContainText("Lunch at noon?");
  await expect(composer(page)).toHaveValue("Lunch at noon?");
  await composer(page).fill("Lunch at one?");
  await composer(page).press("Enter");
  await expect(page.getByTestId("edit-preview")).toHaveCount(0);
  await expect(composer(page)).toHaveValue("");

  const edited = myMessages(page).filter({ hasText: "Lunch at one?" });
  await expect(edited.getByTestId("edited")).toHaveText("Edited");
  const seenByGrace = theirMessages(other.page).filter({ hasText: "Lunch at one?" });
  await expect(seenByGrace.getByTestId("edited")).toHaveText("Edited");
  await expect(other.page.getByText("Lunch at noon?")).toHaveCount(0);
  await expect(reactionsOf(seenByGrace)).toHaveCount(2);
  if (!isPhone(testInfo)) await expect(chatListItem(other.page, ada)).toContainText("Lunch at one?");

  // Grace takes her reaction back by clicking it.
  await reactionsOf(seenByGrace).filter({ hasText: "👍" }).click();
  await expect(reactionsOf(edited)).toHaveText(["😂1"]);

  // Escape gives up an edit and leaves the message as it was.
  await chooseForMessage(page, edited, "Edit");
  await composer(page).fill("Never mind");
  await composer(page).press("Escape");
  await expect(page.getByTestId("edit-preview")).toHaveCount(0);
  await expect(messages(page)).toHaveText([/Lunch at one\?/]);
  await other.context.close();
});

test("messages picked in a chat are forwarded to another, marked Forwarded", async ({ page, browser }, testInfo) => {
  const { ada, grace, linus, other: graceSide, third: linusSide } = await threePeople(page, browser, testInfo);

  // Grace already talks with Linus, so he is among her recent chats.
  await startChat(graceSide.page, linus);
  await sendMessage(graceSide.page, "Hi Linus");
  if (isPhone(testInfo)) await backToChats(graceSide.page);

  await startChat(page, grace);
  await sendMessage(page, "The meeting moved to Friday");
  await sendMessage(page, "Room 4B, at ten");
  await openChat(graceSide.page, ada);

  // Grace picks both of Ada's messages and forwards them.
  const theirs = theirMessages(graceSide.page);
  await chooseForMessage(graceSide.page, theirs.filter({ hasText: "Room 4B" }), "Select");
  const bar = graceSide.page.getByRole("toolbar", { name: "Selected messages" });
  await expect(bar).toContainText("1 selected");
  await theirs.filter({ hasText: "The meeting moved" }).getByRole("checkbox", { name: "Select message" }).click();
  await expect(bar).toContainText("2 selected");
  await bar.getByRole("button", { name: "Forward selected" }).click();

  const dialog = graceSide.page.getByRole("dialog", { name: "Forward 2 messages to" });
  await dialog.getByRole("searchbox", { name: "Search chats to forward to" }).fill(linus.name.split(" ").at(-1) ?? "");
  await dialog.getByRole("checkbox", { name: linus.name }).click();
  await expect(dialog.getByRole("checkbox", { name: linus.name })).toHaveAttribute("aria-checked", "true");
  await dialog.getByRole("button", { name: "Forward", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(bar).toHaveCount(0);

  // Linus gets both, in the order they were said, each marked Forwarded, from Grace.
  await openChat(linusSide.page, grace);
  const forwarded = theirMessages(linusSide.page).filter({ has: linusSide.page.getByTestId("forwarded") });
  await expect(forwarded).toHaveText([/The meeting moved to Friday/, /Room 4B, at ten/]);
  await expect(forwarded.first().getByTestId("forwarded")).toHaveText("Forwarded");
  await expect(theirMessages(linusSide.page).filter({ hasText: "Hi Linus" }).getByTestId("forwarded")).toHaveCount(0);
  // Grace's own copies show in her chat with Linus too.
  if (isPhone(testInfo)) await backToChats(graceSide.page);
  await openChat(graceSide.page, linus);
  await expect(myMessages(graceSide.page).filter({ has: graceSide.page.getByTestId("forwarded") })).toHaveCount(2);

  await graceSide.context.close();
  await linusSide.context.close();
});

test("a message found by search or starred opens in its conversation, far up the history", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);

  // Sixty messages from Grace while Ada is away, one of them early on about zebrafish.
  await page.goto("about:blank");
  const sixty = Array.from({ length: 60 }, (_, index) =>
    index === 2 ? "Did you know zebrafish can regrow their hearts?" : `Message number ${index + 1}`,
  );
  await sendThroughApi(other.page, ada, sixty);
  // A new tab's view: the history comes from pages, not a replay of the stream.
  await page.goto("/healthz");
  await page.evaluate(() => window.sessionStorage.clear());
  await page.goto("/chats");
  await expect(chatListItem(page, grace)).toContainText("Message number 60");

  // The search finds the word's start, and shows it highlighted.
  await page.getByRole("searchbox", { name: "Search chats and messages" }).fill("ZEBRA");
  const results = page.getByRole("region", { name: "Messages" }).getByTestId("found-message");
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText(grace.name);
  await expect(results.first().locator("mark")).toHaveText("zebra");

  // Opening it loads the history back to it, and shows it.
  await results.first().click();
  const zebrafish = theirMessages(page).filter({ hasText: "zebrafish" });
  await expect(zebrafish).toBeInViewport();
  await expect(page.getByText("Message number 1", { exact: true })).toBeAttached();

  // Starred from its menu, it carries a star, and the starred list has it.
  await chooseForMessage(page, zebrafish, "Star");
  await expect(zebrafish.getByRole("img", { name: "Starred" })).toBeVisible();
  if (isPhone(testInfo)) await backToChats(page);
  await page.getByRole("searchbox", { name: "Search chats and messages" }).fill("");
  await page.getByRole("button", { name: "Starred messages" }).click();
  const starred = page.getByRole("region", { name: "Starred messages" }).getByTestId("found-message");
  await expect(starred).toHaveCount(1);
  await expect(starred.first()).toContainText("zebrafish");
  await expect(starred.first()).toContainText(grace.name);

  // From the starred list too, the conversation opens at the message, even after scrolling away from it.
  if (!isPhone(testInfo)) {
    await conversation(page)
      .getByRole("log", { name: "Messages" })
      .evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect(zebrafish).not.toBeInViewport();
  }
  await starred.first().click();
  await expect(zebrafish).toBeInViewport();

  // Unstarred, it leaves the list.
  await chooseForMessage(page, zebrafish, "Unstar");
  await expect(zebrafish.getByRole("img", { name: "Starred" })).toHaveCount(0);
  if (isPhone(testInfo)) await backToChats(page);
  await expect(page.getByRole("region", { name: "Starred messages" }).getByText("No starred messages")).toBeVisible();
  await other.context.close();
});
