import { expect, test, type Locator, type Page } from "@playwright/test";

import {
  chatListItem,
  chooseFromMenu,
  composer,
  conversation,
  isPhone,
  messages,
  myMessages,
  openChat,
  sendMessage,
  startChat,
  theirMessages,
  ticksOf,
  twoPeople,
} from "./chat-support";
import { png } from "./png";

// Two people sign up, and a photo goes through upload, check and thumbnail.
test.slow();

const EIFFEL_TOWER = { latitude: 48.85837, longitude: 2.29448 };

test.use({
  geolocation: EIFFEL_TOWER,
  permissions: ["geolocation", "microphone"],
  // Chromium's fake microphone (a beep), without a permission prompt, for voice messages.
  launchOptions: [
    async ({ launchOptions }, use) => {
      const fakeMicrophone = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];
      await use({ ...launchOptions, args: [...(launchOptions.args ?? []), ...fakeMicrophone] });
    },
    { scope: "worker" },
  ],
});

/** A one-page PDF with a correct cross-reference table. */
function pdf(): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
  ];
  let text = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (const [index, object] of objects.entries()) {
    offsets.push(Buffer.byteLength(text));
    text += `${index + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xref = Buffer.byteLength(text);
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, "0")} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, "latin1");
}

async function attach(page: Page, item: "Photos & videos" | "Document" | "Location") {
  await conversation(page).getByRole("button", { name: "Attach" }).click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}

async function pickFile(page: Page, item: "Photos & videos" | "Document", file: FilePayload) {
  const chooser = page.waitForEvent("filechooser");
  await attach(page, item);
  await (await chooser).setFiles(file);
}

type FilePayload = { name: string; mimeType: string; buffer: Buffer };

/** The same file as a DataTransfer in the page, as a drag from the desktop or a paste would carry it. */
function transferOf(page: Page, file: FilePayload) {
  return page.evaluateHandle(
    ({ name, mimeType, bytes }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
      return transfer;
    },
    { name: file.name, mimeType: file.mimeType, bytes: Array.from(file.buffer) },
  );
}

async function expectLoaded(image: Locator) {
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0);
}

/** The other person's chat list, which a phone only shows after going back from the chat. */
async function backToChats(page: Page) {
  await conversation(page).getByRole("button", { name: "Back to chats" }).click();
}

test("a photo, a document and a location reach the other person, who can open each", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  await startChat(page, grace);

  // A photo with a caption: previewed, then sent.
  const photo = { name: "sunset.png", mimeType: "image/png", buffer: png(160, 120) };
  await pickFile(page, "Photos & videos", photo);
  const preview = page.getByRole("dialog", { name: "Send photo" });
  await expectLoaded(preview.getByRole("img", { name: "Preview of sunset.png" }));
  await preview.getByRole("textbox", { name: "Add a caption" }).fill("Sunset at the tower");
  await preview.getByRole("button", { name: "Send", exact: true }).click();
  await expect(preview).toBeHidden();
  const sentPhoto = myMessages(page).filter({ hasText: "Sunset at the tower" });
  await expect(ticksOf(sentPhoto)).toHaveAccessibleName(/^(Sent|Delivered|Read)$/);

  // Grace sees it in her chat list, then its thumbnail live in the chat.
  await expect(chatListItem(other.page, ada)).toContainText("📷 Sunset at the tower");
  await openChat(other.page, ada);
  const received = theirMessages(other.page).filter({ hasText: "Sunset at the tower" });
  await expectLoaded(received.getByRole("button", { name: "Open photo" }).locator("img"));

  // The full picture opens in a viewer, which Escape closes.
  await received.getByRole("button", { name: "Open photo" }).click();
  const viewer = other.page.getByRole("dialog", { name: "Photo" });
  const fullImage = viewer.getByRole("img", { name: "Sunset at the tower" });
  await expectLoaded(fullImage);
  expect(await fullImage.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBe(160);
  await expect(viewer.getByRole("link", { name: "Download photo" })).toHaveAttribute("href", /.+/);
  await other.page.keyboard.press("Escape");
  await expect(viewer).toBeHidden();
  await received.getByRole("button", { name: "Open photo" }).click();
  await viewer.getByRole("button", { name: "Close" }).click();
  await expect(viewer).toBeHidden();

  // A document: a card with its name, size and type, and a download.
  const document = { name: "itinerary.pdf", mimeType: "application/pdf", buffer: pdf() };
  await pickFile(page, "Document", document);
  const documentPreview = page.getByRole("dialog", { name: "Send document" });
  await expect(documentPreview.getByTestId("document-name")).toHaveText("itinerary.pdf");
  await documentPreview.getByRole("button", { name: "Send", exact: true }).click();
  const card = theirMessages(other.page).getByTestId("document-card");
  await expect(card.getByTestId("document-name")).toHaveText("itinerary.pdf");
  await expect(card.getByTestId("document-meta")).toHaveText(`${document.buffer.length} B · PDF`);
  const downloading = other.page.waitForEvent("download");
  await card.getByRole("link", { name: "Download itinerary.pdf" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("itinerary.pdf");

  // A location, from the browser's position, with a place name.
  await attach(page, "Location");
  const locationDialog = page.getByRole("dialog", { name: "Send your location" });
  await expect(locationDialog.getByTestId("location-preview")).toHaveText("48.85837, 2.29448");
  await locationDialog.getByLabel("Place name (optional)").fill("Eiffel Tower");
  await locationDialog.getByRole("button", { name: "Send location" }).click();
  await expect(locationDialog).toBeHidden();
  const place = theirMessages(other.page).getByTestId("location-card");
  await expect(place).toContainText("Eiffel Tower");
  await expect(place.getByTestId("location-coordinates")).toHaveText("48.85837, 2.29448");
  const mapLink = place.getByRole("link", { name: "Open in map" });
  await expect(mapLink).toHaveAttribute(
    "href",
    "https://www.openstreetmap.org/?mlat=48.85837&mlon=2.29448#map=16/48.85837/2.29448",
  );
  await expect(mapLink).toHaveAttribute("target", "_blank");
  await expect(mapLink).toHaveAttribute("rel", /noopener/);

  // All three arrived, in order, and the list says what came last.
  await expect(theirMessages(other.page)).toHaveCount(3);
  await expect(ticksOf(myMessages(page).last())).toHaveAccessibleName("Read");
  if (isPhone(testInfo)) await backToChats(other.page);
  await expect(chatListItem(other.page, ada)).toContainText("📍 Eiffel Tower");
  await other.context.close();
});

test("a cancelled upload sends nothing", async ({ page, browser }, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  await startChat(page, grace);
  await sendMessage(page, "Sending you a picture");
  await openChat(other.page, ada);
  await expect(theirMessages(other.page)).toHaveCount(1);

  // The bytes never arrive until the upload is cancelled.
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/media/blob/**", async (route) => {
    if (route.request().method() !== "PUT") return route.fallback();
    await released;
    await route.abort().catch(() => {});
  });

  // Dragged onto the conversation from the desktop.
  const dataTransfer = await transferOf(page, { name: "holiday.png", mimeType: "image/png", buffer: png(200, 150) });
  await conversation(page).dispatchEvent("dragenter", { dataTransfer });
  await expect(page.getByTestId("drop-overlay")).toBeVisible();
  await conversation(page).dispatchEvent("dragover", { dataTransfer });
  await conversation(page).dispatchEvent("drop", { dataTransfer });
  await expect(page.getByTestId("drop-overlay")).toBeHidden();
  await page.getByRole("dialog", { name: "Send photo" }).getByRole("button", { name: "Send", exact: true }).click();
  const pending = myMessages(page).filter({ has: page.getByRole("progressbar", { name: "Uploading holiday.png" }) });
  await expect(pending).toHaveCount(1);
  await expect(pending.getByRole("progressbar")).toHaveAttribute("aria-valuenow", /^\d+$/);
  await pending.getByRole("button", { name: "Cancel upload of holiday.png" }).click();
  await expect(pending).toHaveCount(0);
  release();

  // A pasted screenshot opens the same preview; discarding it sends nothing either.
  const clipboard = await transferOf(page, { name: "image.png", mimeType: "image/png", buffer: png(64, 64) });
  await composer(page).evaluate((element, clipboardData) => {
    element.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }));
  }, clipboard);
  const pasted = page.getByRole("dialog", { name: "Send photo" });
  await expect(pasted.getByRole("img", { name: "Preview of image.png" })).toBeVisible();
  await pasted.getByRole("button", { name: "Discard" }).click();
  await expect(pasted).toBeHidden();

  // Only what is sent next reaches Grace.
  await sendMessage(page, "Never mind, no picture");
  await expect(theirMessages(other.page)).toHaveText([/Sending you a picture/, /Never mind, no picture/]);
  await expect(messages(other.page).getByRole("button", { name: "Open photo" })).toHaveCount(0);
  await expect(messages(page)).toHaveCount(2);
  await other.context.close();
});

test("a recorded voice message arrives as one, with its length", async ({ page, browser }, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  await startChat(page, grace);
  await sendMessage(page, "Listen to this");
  await openChat(other.page, ada);

  await conversation(page).getByRole("button", { name: "Record voice message" }).click();
  const recording = conversation(page).getByRole("group", { name: "Recording a voice message" });
  await expect(recording.getByRole("timer")).toHaveText("0:02", { timeout: 15_000 });
  await recording.getByRole("button", { name: "Send voice message" }).click();
  await expect(recording).toBeHidden();

  // The length is what was recorded, however long the click to stop took on a busy machine: the
  // receiver shows the sender's figure, at least the 2 s the timer showed.
  const sent = conversation(page).getByTestId("voice-note");
  await expect(sent).toContainText(/\d:\d\d/);
  const length = /\d:\d\d/.exec((await sent.textContent()) ?? "")?.[0] ?? "";
  expect(Number(length.slice(2)) + 60 * Number(length[0])).toBeGreaterThanOrEqual(2);
  const voiceNote = theirMessages(other.page).getByTestId("voice-note");
  await expect(voiceNote).toBeVisible();
  await expect(voiceNote).toContainText(length);
  // Its URL works: the player reads the recording's metadata.
  const audio = voiceNote.locator("audio");
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.readyState)).toBeGreaterThan(0);
  await expect(voiceNote.getByRole("button", { name: "Play voice message" })).toBeEnabled();
  if (isPhone(testInfo)) await backToChats(other.page);
  await expect(chatListItem(other.page, ada)).toContainText("🎤 Voice message");
  await other.context.close();
});

test("a group picture and a photo sent to the group reach its members", async ({ page, browser }, testInfo) => {
  const { grace, other } = await twoPeople(page, browser, testInfo);
  const group = `Photo Club ${Math.random().toString(36).slice(2, 6)}`;
  await startChat(page, grace);
  await sendMessage(page, "Making a group for our photos");
  if (isPhone(testInfo)) await backToChats(page);
  await chooseFromMenu(page, page.getByRole("button", { name: "Menu" }), "New group");
  const panel = page.getByRole("region", { name: "New group" });
  await panel.getByRole("checkbox", { name: grace.name }).click();
  await panel.getByRole("button", { name: "Next (1 selected)" }).click();
  await panel.getByLabel("Group name").fill(group);
  await panel.getByRole("button", { name: "Create group" }).click();
  await expect(conversation(page).getByRole("heading", { name: group })).toBeVisible();

  // The admin gives the group a picture; the member sees it on the group in their chat list.
  await chooseFromMenu(page, conversation(page).getByRole("button", { name: "Group options" }), "Group info");
  const groupInfo = page.getByRole("region", { name: "Group info" });
  await groupInfo
    .getByLabel("Add group picture")
    .setInputFiles({ name: "club.png", mimeType: "image/png", buffer: png(96, 96) });
  await expect(groupInfo.getByRole("img", { name: "Group picture" })).toBeVisible();
  await expectLoaded(groupInfo.getByTestId("avatar-picture"));
  await groupInfo.getByRole("button", { name: "Close group info" }).click();

  await pickFile(page, "Photos & videos", { name: "harbour.png", mimeType: "image/png", buffer: png(120, 160) });
  await page.getByRole("dialog", { name: "Send photo" }).getByRole("button", { name: "Send", exact: true }).click();
  await expect(ticksOf(myMessages(page).last())).toHaveAccessibleName(/^(Sent|Delivered|Read)$/);

  const item = other.page
    .getByRole("list", { name: "Chat list" })
    .getByTestId("chat-list-item")
    .filter({ hasText: group });
  await expect(item).toContainText("📷 Photo");
  await expectLoaded(item.getByTestId("avatar-picture"));
  await item.click();
  const photo = theirMessages(other.page).last();
  await expect(photo.getByTestId("sender-name")).toBeVisible();
  await expectLoaded(photo.getByRole("button", { name: "Open photo" }).locator("img"));
  await photo.getByRole("button", { name: "Open photo" }).click();
  await expectLoaded(other.page.getByRole("dialog", { name: "Photo" }).getByRole("img", { name: "Photo" }));
  await other.context.close();
});

test("a profile photo goes through the same pipeline and shows to the people you chat with", async ({
  page,
  browser,
}, testInfo) => {
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  await startChat(page, grace);
  await sendMessage(page, "Look at my new photo");
  if (isPhone(testInfo)) await backToChats(page);

  await chooseFromMenu(page, page.getByRole("button", { name: "Menu" }), "Profile");
  const profile = page.getByRole("region", { name: "Profile" });
  await profile
    .getByLabel("Add profile photo")
    .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(128, 128) });
  await expect(profile.getByRole("img", { name: "Profile photo" })).toBeVisible();
  await expectLoaded(profile.getByTestId("avatar-picture"));

  // Grace, who chats with Ada, sees the picture on Ada's chat.
  await other.page.reload();
  await expectLoaded(chatListItem(other.page, ada).getByTestId("avatar-picture"));
  await other.context.close();
});
