import { expect, test, type Locator, type Page } from "@playwright/test";

import {
  chooseFromMenu,
  composer,
  conversation,
  isPhone,
  myMessages,
  openChat,
  peerStatus,
  sendMessage,
  startChat,
  theirMessages,
  ticksOf,
  twoPeople,
  twoPeopleInAChat,
} from "./chat-support";
import { displayed, newPhoneNumber } from "./support";

// Two people sign up in every test; that alone takes a few seconds.
test.slow();

/** A 16×16 RGB PNG: small, but a real picture the server decodes and thumbnails. */
const PHOTO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAABlklEQVR42hXR4RiFMQiG4Q9hCEMIYQghhDCEEIbwIIQQQgghDOHs9Lu7662+72N8zA/5WB/6YR/7wz/OBx/xkR/10R/34/sGYzAHMlgDHdhgD3xwBgxikIMa9OCOByZjMicyWROd2GRPfHImTGKSk5r05M4HhCFMQYQlqGDCFlw4AkIIKZTQwpUHFmMxF7JYC13YYi98cRYsYpGLWvTirgeUoUxFlKWoYspWXDkKSiiplNLK1QeMYUxDjGWoYcY23DgGRhhplNHGtQc2YzM3slkb3dhmb3xzNmxik5va9ObuB5zhTEec5ahjznbcOQ5OOOmU0871Bw7jMA9yWAc92GEf/HAOHOKQhzr04Z4H/s95534HfCd5S77YL8gb/Zr/FZBQ0HDf679gBDOQYAUaWLADD0782yPIoIIObjyQjGQmkqxEE0t24snJ//BIMqmkk5sPFKOYhRSr0MKKXXhx6h8liiyq6OLWA81oZiPNarSxZjfenP4Hjyabarq5/cBlXOZFLuuiF7vsi1/O/a8Zl7zUpS/38gNq4ZAQAX6pcwAAAABJRU5ErkJggg==",
  "base64",
);

/** "⋮" → Contacts, Profile or Privacy: the panel that covers the chat list. */
async function openPanel(page: Page, name: "Contacts" | "Profile" | "Privacy") {
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("menuitem", { name, exact: true }).click();
  const panel = page.getByRole("region", { name, exact: true });
  await expect(panel).toBeVisible();
  return panel;
}

async function closePanel(panel: Locator) {
  await panel.getByRole("button", { name: "Back to chats" }).click();
  await expect(panel).toHaveCount(0);
}

/** On a phone the open chat covers the list: back to it (on a desktop both are on screen). */
async function showChatList(page: Page, phone: boolean) {
  if (phone) await conversation(page).getByRole("button", { name: "Back to chats" }).click();
  await expect(chatList(page)).toBeVisible();
}

function chatList(page: Page) {
  return page.getByRole("list", { name: "Chat list" });
}

function chatNamed(page: Page, name: string) {
  return chatList(page).getByTestId("chat-list-item").filter({ hasText: name });
}

test("the name you save for someone is the name you see, and a chat starts from Contacts", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  const saved = `Amazing Grace ${Math.random().toString(36).slice(2, 6)}`;

  const contacts = await openPanel(page, "Contacts");
  await contacts.getByRole("button", { name: "New contact" }).click();
  const form = page.getByRole("dialog", { name: "New contact" });
  await form.getByLabel("Name", { exact: true }).fill(saved);
  await form.getByLabel("Phone number").fill(grace.phone);
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form).toHaveCount(0);
  const row = contacts.getByTestId("contact").filter({ hasText: saved });
  await expect(row).toContainText(displayed(grace.phone));

  await row.getByRole("button", { name: `Message ${saved}` }).click();
  await expect(contacts).toHaveCount(0);
  await expect(conversation(page).getByRole("heading", { name: saved })).toBeVisible();
  // She is saved: no "Add to contacts" under the header.
  await expect(conversation(page).getByRole("button", { name: "Add to contacts" })).toHaveCount(0);
  await sendMessage(page, "Hello from my contacts");
  await showChatList(page, isPhone(testInfo));
  await expect(chatNamed(page, saved)).toContainText("Hello from my contacts");
  await expect(chatNamed(page, grace.name)).toHaveCount(0);

  // Grace hasn't saved Ada: Ada's own name, her number and a way to save her.
  await openChat(other.page, ada);
  const notSaved = conversation(other.page).getByTestId("not-in-contacts");
  await expect(notSaved).toContainText(displayed(ada.phone));
  await notSaved.getByRole("button", { name: "Add to contacts" }).click();
  const add = other.page.getByRole("dialog", { name: "Add to contacts" });
  await expect(add.getByLabel("Name", { exact: true })).toHaveValue(ada.name);
  await add.getByLabel("Name", { exact: true }).fill("Countess Ada");
  await add.getByRole("button", { name: "Save" }).click();
  await expect(conversation(other.page).getByRole("heading", { name: "Countess Ada" })).toBeVisible();
  await expect(notSaved).toHaveCount(0);

  // Renaming shows at once; removing brings back her own name.
  const again = await openPanel(page, "Contacts");
  await chooseFromMenu(
    page,
    again
      .getByTestId("contact")
      .filter({ hasText: saved })
      .getByRole("button", { name: `Options for ${saved}` }),
    "Edit name",
  );
  const edit = page.getByRole("dialog", { name: "Edit contact" });
  await edit.getByLabel("Name", { exact: true }).fill("Grace H.");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(again.getByTestId("contact")).toHaveText([/Grace H\./]);
  await chooseFromMenu(page, again.getByRole("button", { name: "Options for Grace H." }), "Remove contact");
  await page.getByRole("dialog", { name: "Remove Grace H.?" }).getByRole("button", { name: "Remove" }).click();
  await expect(again.getByTestId("contact")).toHaveCount(0);
  await closePanel(again);
  await expect(chatNamed(page, grace.name)).toContainText("Hello from my contacts");
  await other.context.close();
});

test("importing a vCard adds its contacts, tells who is on Parley and lists what it couldn't import", async ({
  page,
  browser,
}, testInfo) => {
  const { grace, other } = await twoPeople(page, browser, testInfo);
  const stranger = newPhoneNumber();
  const vcf = [
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Grace From Work",
    `TEL;TYPE=CELL:${displayed(grace.phone)}`,
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Nobody Yet",
    `TEL;TYPE=CELL:${stranger}`,
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Typo Tom",
    "TEL:12345",
    "END:VCARD",
  ].join("\r\n");

  const contacts = await openPanel(page, "Contacts");
  await contacts.getByRole("button", { name: "Import contacts" }).click();
  const dialog = page.getByRole("dialog", { name: "Import contacts" });
  await dialog
    .getByLabel("Contacts file (.vcf or .csv)")
    .setInputFiles({ name: "contacts.vcf", mimeType: "text/vcard", buffer: Buffer.from(vcf) });
  await dialog.getByRole("button", { name: "Import 3 contacts" }).click();

  const result = page.getByRole("dialog", { name: "Contacts imported" });
  await expect(result.getByRole("status")).toHaveText("2 contacts imported, 1 on Parley");
  await expect(result.getByRole("region", { name: "On Parley" }).getByRole("listitem")).toHaveText([/Grace From Work/]);
  await expect(result.getByRole("region", { name: "Not imported" }).getByRole("listitem")).toHaveText([
    "Typo Tom (12345)",
  ]);
  await result.getByRole("button", { name: "Done" }).click();

  await expect(contacts.getByTestId("contact")).toHaveText([/Grace From Work/, /Nobody Yet/]);
  await expect(contacts.getByTestId("contact").filter({ hasText: "Nobody Yet" })).toContainText("Not on Parley");
  await contacts.getByRole("button", { name: "Message Grace From Work" }).click();
  await expect(conversation(page).getByRole("heading", { name: "Grace From Work" })).toBeVisible();
  await other.context.close();
});

test("hiding your last seen takes your online and last seen off the other person's screen", async ({
  page,
  browser,
}, testInfo) => {
  const { grace, other } = await twoPeopleInAChat(page, browser, testInfo, ["Are you around?"]);
  await expect(peerStatus(page)).toHaveText("online");

  await showChatList(other.page, isPhone(testInfo));
  const privacy = await openPanel(other.page, "Privacy");
  const lastSeen = privacy.getByRole("group", { name: "Last seen and online" });
  await expect(lastSeen.getByRole("radio", { name: "Everyone" })).toBeChecked();
  await lastSeen.getByRole("radio", { name: "Nobody" }).check();
  await expect(lastSeen.getByRole("radio", { name: "Nobody" })).toBeChecked();
  await expect(lastSeen.getByRole("radio", { name: "Nobody" })).toBeEnabled();

  // Live, Ada's header stops saying Grace is online…
  await expect(peerStatus(page)).not.toHaveText("online");
  // …and once loaded afresh it shows neither online nor a last seen: just her number.
  await page.reload();
  await expect(conversation(page).getByRole("heading", { name: grace.name })).toBeVisible();
  await expect(peerStatus(page)).toHaveText(displayed(grace.phone));

  // The setting stays.
  await other.page.reload();
  const again = await openPanel(other.page, "Privacy");
  await expect(
    again.getByRole("group", { name: "Last seen and online" }).getByRole("radio", { name: "Nobody" }),
  ).toBeChecked();
  await other.context.close();
});

test("a blocked person can't write and sees no presence or photo, until unblocked", async ({
  page,
  browser,
}, testInfo) => {
  const phone = isPhone(testInfo);
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);

  // Ada puts up a photo.
  const profile = await openPanel(page, "Profile");
  await profile
    .getByLabel("Add profile photo")
    .setInputFiles({ name: "ada.png", mimeType: "image/png", buffer: PHOTO });
  await expect(profile.getByRole("img", { name: "Profile photo" })).toBeVisible();
  await expect(profile.getByTestId("avatar-picture")).toBeVisible();
  await closePanel(profile);

  await startChat(page, grace);
  await sendMessage(page, "Hi Grace, nice photo of mine?");
  await expect(chatNamed(other.page, ada.name).getByTestId("avatar-picture")).toBeVisible();
  await openChat(other.page, ada);
  await expect(peerStatus(other.page)).toHaveText("online");

  await chooseFromMenu(page, conversation(page).getByRole("button", { name: "Chat options" }), "Block contact");
  await page
    .getByRole("dialog", { name: `Block ${grace.name}?` })
    .getByRole("button", { name: "Block" })
    .click();
  await expect(conversation(page).getByText(`You blocked ${grace.name}.`)).toBeVisible();

  // Grace's message is refused…
  await composer(other.page).fill("Why can't I reach you?");
  await composer(other.page).press("Enter");
  const refused = myMessages(other.page).filter({ hasText: "Why can't I reach you?" });
  await expect(ticksOf(refused)).toHaveAccessibleName("Not sent");
  await expect(other.page.getByRole("group", { name: "Message not sent" })).toContainText(
    "You can't send messages to this person.",
  );
  // …and, loaded afresh, she sees neither Ada's presence nor her photo.
  await other.page.reload();
  await expect(conversation(other.page).getByRole("heading", { name: ada.name })).toBeVisible();
  await expect(peerStatus(other.page)).toHaveText(displayed(ada.phone));
  await showChatList(other.page, phone);
  await expect(chatNamed(other.page, ada.name)).toContainText("Hi Grace");
  await expect(chatNamed(other.page, ada.name).getByTestId("avatar-picture")).toHaveCount(0);

  // Ada unblocks her from Privacy → Blocked contacts.
  await showChatList(page, phone);
  const privacy = await openPanel(page, "Privacy");
  const blocked = privacy.getByRole("list", { name: "Blocked contacts" });
  await expect(blocked.getByTestId("blocked-contact")).toHaveText([new RegExp(grace.name)]);
  await blocked.getByRole("button", { name: `Unblock ${grace.name}` }).click();
  await expect(blocked.getByTestId("blocked-contact")).toHaveCount(0);
  await closePanel(privacy);
  if (phone) await openChat(page, grace);
  await expect(composer(page)).toBeVisible();

  // They can chat again, and Grace sees Ada as before.
  await other.page.reload();
  await expect(chatNamed(other.page, ada.name).getByTestId("avatar-picture")).toBeVisible();
  await openChat(other.page, ada);
  await expect(peerStatus(other.page)).toHaveText("online");
  await sendMessage(other.page, "Glad we can talk again");
  await expect(theirMessages(page).last()).toContainText("Glad we can talk again");
  await sendMessage(page, "Me too");
  await expect(theirMessages(other.page).last()).toContainText("Me too");
  await other.context.close();
});
