import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect, test } from "@playwright/test";

import {
  chooseForMessage,
  composer,
  conversation,
  myMessages,
  openChat,
  reactionsOf,
  reactTo,
  sendMessage,
  startChat,
  theirMessages,
  twoPeople,
} from "./chat-support";
import { logIn, logOut, restoreEncryption } from "./support";

/** Every file under a directory (the server's database, media store and log), with its bytes. */
async function filesUnder(directory: string): Promise<{ path: string; bytes: Buffer }[]> {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, bytes: await readFile(path) });
  }
  return out;
}

/**
 * The forms a phrase could be stored in: UTF-8, UTF-16 (both byte orders), hex (either case) and
 * base64 from each of the three alignments (its middle characters, which don't depend on
 * what came before or after it).
 */
function formsOf(phrase: string): Buffer[] {
  const utf8 = Buffer.from(phrase, "utf8");
  const utf16le = Buffer.from(phrase, "utf16le");
  const utf16be = Buffer.from(utf16le).swap16();
  const hex = utf8.toString("hex");
  const base64s = [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), utf8]).toString("base64");
    // Drop the characters the padding bytes and the last partial group touch.
    return Buffer.from(encoded.slice(Math.ceil((shift * 4) / 3) + 1, -4));
  });
  // A form a few characters long (base64 of one emoji) would turn up anywhere by chance.
  return [utf8, utf16le, utf16be, Buffer.from(hex), Buffer.from(hex.toUpperCase()), ...base64s].filter(
    (form) => form.length >= 8,
  );
}

test("two people chat end to end encrypted: nothing they said is anywhere on the server, and both still read it all", async ({
  page,
  browser,
}, testInfo) => {
  test.skip(testInfo.project.name === "phone", "The server's files are the same whichever screen wrote them");
  const { ada, grace, other } = await twoPeople(page, browser, testInfo);
  const tag = Math.random().toString(36).slice(2, 8);
  const said = {
    first: `meet at the lighthouse ${tag}`,
    reply: `bring the brass telescope ${tag}`,
    edited: `meet at the harbour ${tag}`,
  };

  await startChat(page, grace);
  await sendMessage(page, said.first);
  await expect(conversation(page).getByTestId("encryption-note")).toContainText("end-to-end encrypted");
  await openChat(other.page, ada);
  await expect(theirMessages(other.page).filter({ hasText: said.first })).toBeVisible({ timeout: 30_000 });
  await expect(conversation(other.page).getByTestId("encryption-note")).toContainText("end-to-end encrypted");

  // Grace replies to it; Ada edits the first message; Grace reacts to it.
  await chooseForMessage(other.page, theirMessages(other.page).filter({ hasText: said.first }), "Reply");
  await composer(other.page).fill(said.reply);
  await composer(other.page).press("Enter");
  await expect(theirMessages(page).filter({ hasText: said.reply })).toBeVisible({ timeout: 30_000 });
  await expect(theirMessages(page).filter({ hasText: said.reply })).toContainText(said.first);

  await chooseForMessage(page, myMessages(page).filter({ hasText: said.first }), "Edit");
  await composer(page).fill(said.edited);
  await composer(page).press("Enter");
  await expect(theirMessages(other.page).filter({ hasText: said.edited })).toBeVisible({ timeout: 30_000 });

  await reactTo(other.page, theirMessages(other.page).filter({ hasText: said.edited }), "😮");
  await expect(reactionsOf(myMessages(page).filter({ hasText: said.edited }))).toHaveText("😮1", {
    timeout: 30_000,
  });

  // Both sides read it all again from their own devices after a reload.
  for (const [reader, mine, theirs] of [
    [page, [said.edited], [said.reply]],
    [other.page, [said.reply], [said.edited]],
  ] as const) {
    await reader.reload();
    await expect(myMessages(reader).filter({ hasText: mine[0] })).toBeVisible({ timeout: 30_000 });
    await expect(theirMessages(reader).filter({ hasText: theirs[0] })).toBeVisible();
  }
  await expect(reactionsOf(myMessages(page).filter({ hasText: said.edited }))).toHaveText("😮1");

  // The server's whole state: the database files, the media store and the log.
  const dataDir = String(testInfo.config.metadata.dataDir ?? "");
  expect(dataDir).not.toBe("");
  const files = await filesUnder(dataDir);
  expect(files.some((file) => file.path.endsWith("server.log"))).toBe(true);
  for (const phrase of [...Object.values(said), "😮"]) {
    for (const form of formsOf(phrase)) {
      const found = files.filter((file) => file.bytes.includes(form)).map((file) => file.path);
      expect(found, `"${phrase}" as ${JSON.stringify(form.toString("latin1"))}`).toEqual([]);
    }
  }

  // Ada signs in again (a new device): her recovery key brings her encryption back.
  await logOut(page);
  await logIn(page, ada);
  await restoreEncryption(page, ada);
  await openChat(page, grace);
  await sendMessage(page, `back again ${tag}`);
  await expect(theirMessages(other.page).filter({ hasText: `back again ${tag}` })).toBeVisible({ timeout: 30_000 });
});
