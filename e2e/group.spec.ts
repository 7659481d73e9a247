import { expect, test, type Page } from "@playwright/test";

import {
  chooseFromMenu,
  composer,
  conversation,
  isPhone,
  myMessages,
  sendMessage,
  startChat,
  theirMessages,
  threePeople,
  ticksOf,
} from "./chat-support";

// Three people sign up, and every step waits for the other two to see it.
test.slow();

function groupListItem(page: Page, name: string) {
  return page.getByRole("list", { name: "Chat list" }).getByTestId("chat-list-item").filter({ hasText: name });
}

async function expectGroupOpen(page: Page, name: string) {
  await expect(conversation(page).getByRole("heading", { name })).toBeVisible();
}

function systemMessages(page: Page) {
  return conversation(page).getByTestId("system-message");
}

test("three people talk in a group, and a removed member sees no more of it", async ({ page, browser }, testInfo) => {
  const { ada, grace, linus, other: graceSide, third: linusSide } = await threePeople(page, browser, testInfo);
  const group = { name: `Engine Club ${Math.random().toString(36).slice(2, 6)}` };

  // Grace is someone Ada chats with; Linus she finds by his number.
  await startChat(page, grace);
  await sendMessage(page, "Starting a group, hold on");
  if (isPhone(testInfo)) await conversation(page).getByRole("button", { name: "Back to chats" }).click();
  await chooseFromMenu(page, page.getByRole("button", { name: "Menu" }), "New group");
  const panel = page.getByRole("region", { name: "New group" });
  await panel.getByRole("checkbox", { name: grace.name }).click();
  await panel.getByLabel("Add by phone number").fill(linus.phone);
  await panel.getByRole("button", { name: "Find" }).click();
  await expect(panel.getByRole("checkbox", { name: linus.name })).toHaveAttribute("aria-checked", "true");
  await panel.getByRole("button", { name: "Next (2 selected)" }).click();
  await panel.getByLabel("Group name").fill(group.name);
  await panel.getByRole("button", { name: "Create group" }).click();

  await expectGroupOpen(page, group.name);
  await expect(conversation(page).getByTestId("group-status")).toHaveText("3 members");
  await expect(systemMessages(page)).toHaveText([`You created the group "${group.name}"`]);

  // The group shows up for both of them without a reload.
  for (const side of [graceSide, linusSide]) {
    await groupListItem(side.page, group.name).click();
    await expectGroupOpen(side.page, group.name);
    await expect(systemMessages(side.page)).toHaveText([`${ada.name} created the group "${group.name}"`]);
  }

  await sendMessage(page, "Welcome, both of you");
  for (const side of [graceSide, linusSide]) {
    const welcome = theirMessages(side.page).filter({ hasText: "Welcome, both of you" });
    await expect(welcome.getByTestId("sender-name")).toHaveText(ada.name);
  }
  // Both have the group open: read by everyone, so blue ticks.
  await expect(ticksOf(myMessages(page).filter({ hasText: "Welcome" }))).toHaveAccessibleName("Read");

  await composer(graceSide.page).pressSequentially("Glad to be", { delay: 30 });
  await expect(conversation(page).getByTestId("group-status")).toHaveText(`${grace.name} is typing…`);
  await composer(graceSide.page).pressSequentially(" here");
  await composer(graceSide.page).press("Enter");
  await sendMessage(linusSide.page, "Hello from Linus");
  for (const [side, from, text] of [
    [page, grace, "Glad to be here"],
    [linusSide.page, grace, "Glad to be here"],
    [page, linus, "Hello from Linus"],
    [graceSide.page, linus, "Hello from Linus"],
  ] as const) {
    await expect(theirMessages(side).filter({ hasText: text }).getByTestId("sender-name")).toHaveText(from.name);
  }
  await expect(conversation(page).getByTestId("group-status")).toHaveText("3 members");

  // Message info lists both of them as having read it.
  await myMessages(page).filter({ hasText: "Welcome" }).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Message info" }).click();
  const info = page.getByRole("dialog", { name: "Message info" });
  const recipients = info.getByTestId("recipient");
  await expect(recipients).toHaveCount(2);
  for (const person of [grace, linus]) {
    await expect(recipients.filter({ hasText: person.name })).toContainText(/Read \S/);
  }
  await info.getByRole("button", { name: "Close" }).click();

  // Ada removes Linus.
  await chooseFromMenu(page, conversation(page).getByRole("button", { name: "Group options" }), "Group info");
  const groupInfo = page.getByRole("region", { name: "Group info" });
  await expect(groupInfo.getByTestId("member")).toHaveCount(3);
  await expect(groupInfo.getByTestId("member").filter({ hasText: "You" })).toContainText("Group admin");
  await chooseFromMenu(page, groupInfo.getByRole("button", { name: `Options for ${linus.name}` }), "Remove from group");
  await page
    .getByRole("dialog", { name: `Remove ${linus.name}?` })
    .getByRole("button", { name: "Remove" })
    .click();
  await expect(groupInfo.getByTestId("member")).toHaveCount(2);
  await groupInfo.getByRole("button", { name: "Close group info" }).click();
  await expect(systemMessages(page).last()).toHaveText(`You removed ${linus.name}`);
  await expect(conversation(page).getByTestId("group-status")).toHaveText("2 members");

  // Linus sees why, and can't write any more.
  await expect(systemMessages(linusSide.page).last()).toHaveText(`${ada.name} removed you`);
  await expect(conversation(linusSide.page).getByText("You're no longer a member of this group.")).toBeVisible();
  await expect(conversation(linusSide.page).getByText("You were removed.")).toBeVisible();
  await expect(composer(linusSide.page)).toHaveCount(0);
  await expect(systemMessages(graceSide.page).last()).toHaveText(`${ada.name} removed ${linus.name}`);

  // What Ada says next reaches Grace only.
  await sendMessage(page, "Just the two of us now");
  await expect(theirMessages(graceSide.page).last()).toContainText("Just the two of us now");
  await expect(ticksOf(myMessages(page).last())).toHaveAccessibleName("Read");
  await expect(linusSide.page.getByText("Just the two of us now")).toHaveCount(0);

  await graceSide.context.close();
  await linusSide.context.close();
});
