import { TRPCError } from "@trpc/server";
import { and, asc, eq, inArray, sql } from "drizzle-orm";

import { schema } from "@parley/db";
import { type ContactOutput, type ImportContactsInput, normalizePhoneNumber } from "@parley/validators";

import type { Deps } from "../runtime";
import { blockUser, unblockUser } from "./blocks";
import { appendEvents, deliverEvents, publishEphemeral } from "./events";
import { reannouncePresence } from "./presence";
import { consumeLimit, limits } from "./rate-limit";
import { toPublicProfile, viewerStanding } from "./user";

const notAContact = () => new TRPCError({ code: "NOT_FOUND", message: "This number is not in your contacts." });

/** A user's contacts, with the Parley profile (as they may see it) of those who are on Parley. */
async function selectContacts(deps: Deps, userId: number, phoneNumbers?: string[]): Promise<ContactOutput[]> {
  const rows = await deps.db
    .select({
      contact: schema.contacts,
      user: schema.users,
      standing: viewerStanding(userId, schema.users.id),
      isBlocked: sql<boolean>`exists (select 1 from ${schema.blockedUsers} b where b.blocker_id = ${userId} and b.blocked_id = ${schema.users.id})`,
    })
    .from(schema.contacts)
    .leftJoin(
      schema.users,
      and(eq(schema.users.phoneNumber, schema.contacts.contactPhoneNumber), eq(schema.users.isActive, true)),
    )
    .where(
      and(
        eq(schema.contacts.userId, userId),
        phoneNumbers ? inArray(schema.contacts.contactPhoneNumber, phoneNumbers) : undefined,
      ),
    )
    .orderBy(asc(sql`lower(${schema.contacts.contactName})`), asc(schema.contacts.contactPhoneNumber));
  return rows.map((row) => ({
    phone_number: row.contact.contactPhoneNumber,
    name: row.contact.contactName ?? row.contact.contactPhoneNumber,
    user: row.user ? toPublicProfile(row.user, row.standing) : null,
    is_blocked: row.user !== null && row.isBlocked,
    created_at: row.contact.createdAt.toISOString(),
  }));
}

export async function listContacts(deps: Deps, userId: number) {
  return { contacts: await selectContacts(deps, userId) };
}

/**
 * Who is in my contacts decides who sees what I share with "my contacts" (last seen, picture,
 * about): after a change my other devices refetch, and people I chat with hear my presence anew.
 */
async function contactsChanged(deps: Deps, userId: number) {
  const stored = await deps.db.transaction((tx) => appendEvents(tx, [{ userId, event: { type: "contacts_changed" } }]));
  await Promise.all([deliverEvents(deps, stored), reannouncePresence(deps, userId)]);
}

async function findContact(deps: Deps, userId: number, phoneNumber: string): Promise<ContactOutput> {
  const [contact] = await selectContacts(deps, userId, [phoneNumber]);
  if (!contact) throw notAContact();
  return contact;
}

export async function addContact(
  deps: Deps,
  userId: number,
  input: { phone_number: string; name: string },
): Promise<ContactOutput> {
  const inserted = await deps.db
    .insert(schema.contacts)
    .values({ userId, contactPhoneNumber: input.phone_number, contactName: input.name })
    .onConflictDoNothing()
    .returning({ id: schema.contacts.id });
  if (inserted.length === 0) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "This number is already in your contacts. Edit it to change the name.",
    });
  }
  await contactsChanged(deps, userId);
  return findContact(deps, userId, input.phone_number);
}

export async function renameContact(
  deps: Deps,
  userId: number,
  input: { phone_number: string; name: string },
): Promise<ContactOutput> {
  const updated = await deps.db
    .update(schema.contacts)
    .set({ contactName: input.name })
    .where(and(eq(schema.contacts.userId, userId), eq(schema.contacts.contactPhoneNumber, input.phone_number)))
    .returning({ id: schema.contacts.id });
  if (updated.length === 0) throw notAContact();
  await contactsChanged(deps, userId);
  return findContact(deps, userId, input.phone_number);
}

export async function removeContact(deps: Deps, userId: number, phoneNumber: string) {
  const deleted = await deps.db
    .delete(schema.contacts)
    .where(and(eq(schema.contacts.userId, userId), eq(schema.contacts.contactPhoneNumber, phoneNumber)))
    .returning({ id: schema.contacts.id });
  if (deleted.length === 0) throw notAContact();
  await contactsChanged(deps, userId);
  return { message: "Contact removed" };
}

/**
 * Blocking as people see it happen: the blocked person's screens stop showing the blocker online
 * at once (their profile, picture and about come back empty from then on), and the blocker's other
 * devices refetch contacts and blocks.
 */
export async function blockContact(deps: Deps, userId: number, targetId: number) {
  const result = await blockUser(deps, userId, targetId);
  await Promise.all([
    publishEphemeral(deps, [targetId], { type: "presence_update", user_id: userId, is_online: false, last_seen: null }),
    contactsChanged(deps, userId),
  ]);
  return result;
}

/** Unblocking: presence flows again as the blocker's privacy settings allow. */
export async function unblockContact(deps: Deps, userId: number, targetId: number) {
  const result = await unblockUser(deps, userId, targetId);
  await contactsChanged(deps, userId);
  return result;
}

/**
 * Adds (or renames) many contacts at once, as a phone uploads its address book, and answers which
 * of them are on Parley. Numbers are normalised as everywhere else; ones that aren't valid phone
 * numbers are skipped and listed, not fatal (address books are full of them).
 */
export async function importContacts(deps: Deps, userId: number, input: ImportContactsInput) {
  // An import answers which numbers are on Parley: limited by the hour and by the day, so it can't walk the number space.
  await consumeLimit(deps.store, limits.contactImportsPerHour(userId));
  await consumeLimit(deps.store, limits.contactImportsPerDay(deps.config.limits, userId));
  const invalid: string[] = [];
  const byNumber = new Map<string, string>();
  for (const entry of input.contacts) {
    const phoneNumber = normalizePhoneNumber(entry.phone_number);
    if (phoneNumber) byNumber.set(phoneNumber, entry.name);
    else invalid.push(entry.phone_number);
  }
  const values = [...byNumber].map(([contactPhoneNumber, contactName]) => ({
    userId,
    contactPhoneNumber,
    contactName,
  }));
  let imported = 0;
  // Chunks keep each statement's parameter count well under PostgreSQL's limit.
  for (let start = 0; start < values.length; start += 1000) {
    const rows = await deps.db
      .insert(schema.contacts)
      .values(values.slice(start, start + 1000))
      .onConflictDoUpdate({
        target: [schema.contacts.userId, schema.contacts.contactPhoneNumber],
        set: { contactName: sql`excluded.contact_name` },
      })
      .returning({ id: schema.contacts.id });
    imported += rows.length;
  }
  if (imported > 0) await contactsChanged(deps, userId);
  const onParley = values.length === 0 ? [] : await selectContacts(deps, userId, [...byNumber.keys()]);
  return { imported, on_parley: onParley.filter((contact) => contact.user !== null), invalid };
}
