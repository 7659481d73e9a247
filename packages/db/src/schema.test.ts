import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type DatabaseHandle, executeRows, openDatabase } from "./client";
import * as schema from "./schema";
import { createTestDatabase } from "./test-database";

/** Drizzle wraps driver errors; the constraint name sits on the cause. */
async function violation(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { constraint_name?: string; constraint?: string } }).cause;
    return cause?.constraint_name ?? cause?.constraint ?? String(error);
  }
  throw new Error("expected a constraint violation");
}

function describeSchema(name: string, open: () => Promise<DatabaseHandle & { drop?: () => Promise<void> }>) {
  describe(`schema on ${name}`, () => {
    let handle: DatabaseHandle & { drop?: () => Promise<void> };
    let alice: number;
    let bob: number;

    beforeAll(async () => {
      handle = await open();
      const inserted = await handle.db
        .insert(schema.users)
        .values([
          { phoneNumber: "+14155550101", passwordHash: "x", fullName: "Alice" },
          { phoneNumber: "+14155550102", passwordHash: "x", fullName: "Bob" },
        ])
        .returning({ id: schema.users.id });
      [alice, bob] = inserted.map((row) => row.id) as [number, number];
    });

    afterAll(async () => {
      if (handle.drop) await handle.drop();
      else await handle.close();
    });

    it("has all eight tables of the spec plus sessions, the event log, group receipts, media, reactions, stars, number lookups, the encryption keys and MLS delivery", async () => {
      const rows = await executeRows<{ table_name: string }>(
        handle.db,
        sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
      );
      expect(rows.map((row) => row.table_name)).toEqual([
        "account_keys",
        "blocked_users",
        "chats",
        "contacts",
        "devices",
        "group_members",
        "group_receipts",
        "groups",
        "hidden_messages",
        "key_packages",
        "media",
        "message_reactions",
        "message_status",
        "messages",
        "mls_members",
        "mls_welcome_recipients",
        "mls_welcomes",
        "sessions",
        "starred_messages",
        "user_event_counters",
        "user_events",
        "user_lookups",
        "users",
      ]);
    });

    it("refuses a duplicate phone number", async () => {
      expect(
        await violation(handle.db.insert(schema.users).values({ phoneNumber: "+14155550101", passwordHash: "y" })),
      ).toBe("users_phone_number_unique");
    });

    it("keeps one chat per pair and no self chat", async () => {
      const [chat] = await handle.db.insert(schema.chats).values({ user1Id: alice, user2Id: bob }).returning();
      expect(chat?.lastSeq).toBe(0);
      expect(await violation(handle.db.insert(schema.chats).values({ user1Id: alice, user2Id: bob }))).toBe(
        "chats_user_pair_unique",
      );
      // Reversed order would be a second row for the same pair without the ordering check.
      expect(await violation(handle.db.insert(schema.chats).values({ user1Id: bob, user2Id: alice }))).toBe(
        "chats_user_order",
      );
      expect(await violation(handle.db.insert(schema.chats).values({ user1Id: alice, user2Id: alice }))).toMatch(
        /no_self_chat|chats_user_order/,
      );
    });

    it("puts a message in a chat or a group, never both or neither", async () => {
      const [chat] = await handle.db
        .insert(schema.chats)
        .values({ user1Id: Math.min(alice, bob), user2Id: Math.max(alice, bob) })
        .onConflictDoNothing()
        .returning();
      const chatId =
        chat?.id ?? (await handle.db.select({ id: schema.chats.id }).from(schema.chats))[0]?.id ?? Number.NaN;
      const [group] = await handle.db.insert(schema.groups).values({ name: "G", createdBy: alice }).returning();
      expect(await violation(handle.db.insert(schema.messages).values({ senderId: alice, seq: 1, content: "x" }))).toBe(
        "chat_or_group",
      );
      expect(
        await violation(
          handle.db
            .insert(schema.messages)
            .values({ chatId, groupId: group?.id, senderId: alice, seq: 1, content: "x" }),
        ),
      ).toBe("chat_or_group");

      const clientMsgId = randomUUID();
      const [message] = await handle.db
        .insert(schema.messages)
        .values({
          chatId,
          senderId: alice,
          seq: 1,
          clientMsgId,
          content: "hi",
          locationLatitude: "-89.5",
          locationLongitude: "-179.12345678",
        })
        .returning();
      expect(message?.locationLongitude).toBe("-179.12345678");
      // A location is both coordinates or neither.
      expect(
        await violation(
          handle.db
            .insert(schema.messages)
            .values({ chatId, senderId: bob, seq: 9, content: "half", locationLatitude: "1.5" }),
        ),
      ).toBe("messages_location_pair");
      expect(
        await violation(
          handle.db.insert(schema.messages).values({ chatId, senderId: bob, seq: 1, content: "dup seq" }),
        ),
      ).toBe("messages_chat_seq_unique");
      expect(
        await violation(
          handle.db.insert(schema.messages).values({ chatId, senderId: alice, seq: 2, clientMsgId, content: "retry" }),
        ),
      ).toBe("messages_sender_client_msg_unique");

      const messageId = message?.id ?? Number.NaN;
      await handle.db.insert(schema.messageStatus).values({ messageId, userId: bob });
      expect(
        await violation(handle.db.insert(schema.messageStatus).values({ messageId, userId: bob, status: "read" })),
      ).toBe("message_status_message_user_unique");
      expect(
        await violation(
          handle.db.insert(schema.messageStatus).values({ messageId, userId: alice, status: "seen" as "read" }),
        ),
      ).toBe("message_status_status");
    });

    it("refuses self blocks and duplicate memberships", async () => {
      expect(
        await violation(handle.db.insert(schema.blockedUsers).values({ blockerId: alice, blockedId: alice })),
      ).toBe("no_self_block");
      const [group] = await handle.db.insert(schema.groups).values({ name: "H", createdBy: alice }).returning();
      const groupId = group?.id ?? Number.NaN;
      await handle.db.insert(schema.groupMembers).values({ groupId, userId: alice, role: "admin", joinedSeq: 1 });
      expect(
        await violation(handle.db.insert(schema.groupMembers).values({ groupId, userId: alice, joinedSeq: 1 })),
      ).toBe("group_members_group_user_unique");
      expect(
        await violation(
          handle.db.insert(schema.groupMembers).values({
            groupId,
            userId: bob,
            joinedSeq: 5,
            leftSeq: 4,
            leftName: "H",
            leftMemberCount: 1,
            leftDeliveredSeq: 0,
            leftReadSeq: 0,
          }),
        ),
      ).toBe("group_members_seqs");
    });

    it("keeps a snapshot of the group for exactly the members who left", async () => {
      const [group] = await handle.db.insert(schema.groups).values({ name: "S", createdBy: alice }).returning();
      const groupId = group?.id ?? Number.NaN;
      const snapshot = { leftName: "S", leftMemberCount: 1, leftDeliveredSeq: 2, leftReadSeq: 2 };
      // Gone without one: every read of the group for them would have nothing to show.
      expect(
        await violation(
          handle.db.insert(schema.groupMembers).values({ groupId, userId: bob, joinedSeq: 1, leftSeq: 2 }),
        ),
      ).toBe("group_members_left_snapshot");
      // Still a member with one: reads would show them a stale group.
      expect(
        await violation(
          handle.db
            .insert(schema.groupMembers)
            .values({ groupId, userId: bob, joinedSeq: 1, ...snapshot, leftDescription: null }),
        ),
      ).toBe("group_members_left_snapshot");
      expect(
        await violation(
          handle.db
            .insert(schema.groupMembers)
            .values({ groupId, userId: bob, joinedSeq: 1, leftDescription: "stale" }),
        ),
      ).toBe("group_members_left_snapshot");
      const [left] = await handle.db
        .insert(schema.groupMembers)
        .values({ groupId, userId: bob, joinedSeq: 1, leftSeq: 2, leftAt: new Date(), ...snapshot })
        .returning();
      expect(left).toMatchObject({ leftSeq: 2, leftName: "S", leftDescription: null, leftPictureMediaId: null });
    });

    it("keeps system messages to groups", async () => {
      await handle.db.insert(schema.chats).values({ user1Id: alice, user2Id: bob }).onConflictDoNothing();
      const [chat] = await handle.db.select().from(schema.chats).where(eq(schema.chats.user1Id, alice));
      expect(
        await violation(
          handle.db
            .insert(schema.messages)
            .values({ chatId: chat?.id, senderId: alice, seq: 99, messageType: "system", content: "x" }),
        ),
      ).toBe("messages_system_in_groups");
    });
  });
}

describeSchema("PostgreSQL", async () => createTestDatabase());

describeSchema("PGlite", async () => {
  const handle = await openDatabase({ kind: "pglite", dataDir: null });
  await handle.migrate();
  return handle;
});
