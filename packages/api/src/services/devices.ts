import { TRPCError } from "@trpc/server";
import { and, asc, count, eq, gt, inArray, isNull, ne, type SQL, sql } from "drizzle-orm";

import { CryptoError, fromBase64, readKeyPackage, toBase64, verifyDeviceCertificate } from "@parley/crypto";
import { executeRows, schema, type Transaction } from "@parley/db";
import type { PublishKeyPackagesInput, RegisterDeviceInput } from "@parley/validators";

import type { Deps } from "../runtime";
import { appendEvents, deliverEvents } from "./events";
import type { SessionAuth } from "./session";
import { assertTies } from "./ties";

// Devices and key packages for end-to-end encryption (ADR 0033). The server checks what it can
// without a secret (certificates, key package signatures, who may claim whose packages) and
// hands each key package out at most once.

const notRegistered = () =>
  new TRPCError({ code: "PRECONDITION_FAILED", message: "This session has no device yet: register it first." });

async function currentDevice(deps: Pick<Deps, "db">, session: SessionAuth) {
  const [device] = await deps.db
    .select()
    .from(schema.devices)
    .where(and(eq(schema.devices.sessionId, session.sessionId), isNull(schema.devices.removedAt)));
  return device;
}

export async function requireDevice(deps: Pick<Deps, "db">, session: SessionAuth) {
  const device = await currentDevice(deps, session);
  if (!device) throw notRegistered();
  return device;
}

const toDeviceOutput = (device: typeof schema.devices.$inferSelect, currentId: string | undefined) => ({
  id: device.id,
  name: device.name,
  signature_public_key: device.signaturePublicKey,
  created_at: device.createdAt.toISOString(),
  last_active_at: device.lastActiveAt.toISOString(),
  is_current: device.id === currentId,
});

/**
 * Makes this session a device. The first device of an account sets its account key; later ones
 * must be certified by that same key (a new key is an identity reset, which is its own step).
 */
export async function registerDevice(deps: Deps, session: SessionAuth, input: RegisterDeviceInput) {
  const certified = await verifyDeviceCertificate(
    {
      userId: session.userId,
      accountPublicKey: fromBase64(input.account_public_key),
      certificate: fromBase64(input.certificate),
    },
    fromBase64(input.signature_public_key),
  );
  if (!certified) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "The certificate is not the account key's signature of this device.",
    });
  }
  const registered = await deps.db.transaction(async (tx) => {
    const [accountKey] = await tx
      .select()
      .from(schema.accountKeys)
      .where(eq(schema.accountKeys.userId, session.userId))
      .for("update");
    if (!accountKey) {
      await tx.insert(schema.accountKeys).values({
        userId: session.userId,
        publicKey: input.account_public_key,
        sealedKey: input.sealed_account_key ?? null,
      });
    } else if (accountKey.publicKey !== input.account_public_key) {
      throw new TRPCError({
        code: "CONFLICT",
        message:
          "This account already has another identity key: approve this device from one signed in, or use the recovery key.",
      });
    }
    const [existing] = await tx.select().from(schema.devices).where(eq(schema.devices.sessionId, session.sessionId));
    if (existing) {
      if (existing.signaturePublicKey === input.signature_public_key && !existing.removedAt) {
        return { device: toDeviceOutput(existing, existing.id), isNew: false };
      }
      throw new TRPCError({ code: "CONFLICT", message: "This session is a device already, with another key." });
    }
    const [taken] = await tx
      .select({ id: schema.devices.id })
      .from(schema.devices)
      .where(eq(schema.devices.signaturePublicKey, input.signature_public_key));
    if (taken) throw new TRPCError({ code: "CONFLICT", message: "That signature key belongs to another device." });
    const [device] = await tx
      .insert(schema.devices)
      .values({
        userId: session.userId,
        sessionId: session.sessionId,
        name: input.name,
        signaturePublicKey: input.signature_public_key,
        certificate: input.certificate,
      })
      .returning();
    if (!device) throw new Error("device insert returned nothing");
    return { device: toDeviceOutput(device, device.id), isNew: true };
  });
  if (registered.isNew) await announceDevicesChanged(deps, session.userId);
  return registered.device;
}

/**
 * Tells everyone who shares an encrypted conversation with the user (and the user's own other
 * devices) that the user's devices changed: their devices commit the new one in, or the removed
 * one out, right away instead of at their next message.
 */
async function announceDevicesChanged(deps: Deps, userId: number) {
  const rows = await executeRows<{ user_id: number }>(
    deps.db,
    sql`
      select ${userId}::int as user_id
      union select case when c.user1_id = ${userId} then c.user2_id else c.user1_id end
        from ${schema.chats} c where c.e2ee and (c.user1_id = ${userId} or c.user2_id = ${userId})
      union select other.user_id
        from ${schema.groupMembers} mine
        join ${schema.groups} g on g.id = mine.group_id and g.e2ee
        join ${schema.groupMembers} other on other.group_id = mine.group_id and other.left_seq is null
        where mine.user_id = ${userId} and mine.left_seq is null
    `,
  );
  const stored = await deps.db.transaction((tx) =>
    appendEvents(
      tx,
      rows.map((row) => ({ userId: row.user_id, event: { type: "devices_changed", user_id: userId } })),
    ),
  );
  await deliverEvents(deps, stored);
}

/** Your devices that can still receive: signed in and not removed. */
export async function listDevices(deps: Deps, session: SessionAuth) {
  const current = await currentDevice(deps, session);
  const rows = await deps.db
    .select({ device: schema.devices })
    .from(schema.devices)
    .innerJoin(schema.sessions, eq(schema.sessions.id, schema.devices.sessionId))
    .where(and(eq(schema.devices.userId, session.userId), isNull(schema.devices.removedAt), activeSession()))
    .orderBy(asc(schema.devices.createdAt));
  return { devices: rows.map((row) => toDeviceOutput(row.device, current?.id)) };
}

const activeSession = () => and(isNull(schema.sessions.revokedAt), gt(schema.sessions.expiresAt, sql`now()`));

/** Devices that can receive now (not removed, on a live session) among `where`, oldest first. */
export function activeDevices(db: Deps["db"] | Transaction, where: SQL | undefined) {
  return db
    .select({
      id: schema.devices.id,
      userId: schema.devices.userId,
      signaturePublicKey: schema.devices.signaturePublicKey,
    })
    .from(schema.devices)
    .innerJoin(schema.sessions, eq(schema.sessions.id, schema.devices.sessionId))
    .where(and(where, isNull(schema.devices.removedAt), activeSession()))
    .orderBy(asc(schema.devices.createdAt));
}

/** Removes one of your devices: its key packages go, and nobody can add it anywhere again. */
export async function removeDevice(deps: Deps, session: SessionAuth, deviceId: string) {
  const [device] = await deps.db
    .update(schema.devices)
    .set({ removedAt: new Date() })
    .where(
      and(eq(schema.devices.id, deviceId), eq(schema.devices.userId, session.userId), isNull(schema.devices.removedAt)),
    )
    .returning({ id: schema.devices.id });
  if (!device) throw new TRPCError({ code: "NOT_FOUND", message: "You have no such device." });
  await deps.db.delete(schema.keyPackages).where(eq(schema.keyPackages.deviceId, device.id));
  await announceDevicesChanged(deps, session.userId);
  return { message: "Device removed" };
}

async function checkedKeyPackage(device: typeof schema.devices.$inferSelect, userId: number, encoded: string) {
  let info: Awaited<ReturnType<typeof readKeyPackage>>;
  try {
    info = await readKeyPackage(fromBase64(encoded));
  } catch (error) {
    if (error instanceof CryptoError || error instanceof DOMException) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `Not a valid key package: ${error.message}.` });
    }
    throw error;
  }
  if (info.credential.userId !== userId || toBase64(info.signaturePublicKey) !== device.signaturePublicKey) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "A key package must be this device's own." });
  }
  return { ref: info.ref, keyPackage: encoded };
}

/** Publishes this device's key packages (and replaces its last-resort one, if given). */
export async function publishKeyPackages(deps: Deps, session: SessionAuth, input: PublishKeyPackagesInput) {
  const device = await requireDevice(deps, session);
  const fresh: { ref: string; keyPackage: string }[] = [];
  for (const encoded of input.key_packages) fresh.push(await checkedKeyPackage(device, session.userId, encoded));
  const lastResort = input.last_resort ? await checkedKeyPackage(device, session.userId, input.last_resort) : undefined;
  const refs = [...fresh, ...(lastResort ? [lastResort] : [])].map((item) => item.ref);
  if (new Set(refs).size !== refs.length) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The same key package is in the request twice." });
  }
  await deps.db.transaction(async (tx) => {
    if (refs.length > 0) {
      const [reused] = await tx
        .select({ ref: schema.keyPackages.ref })
        .from(schema.keyPackages)
        .where(inArray(schema.keyPackages.ref, refs));
      if (reused) throw new TRPCError({ code: "CONFLICT", message: "That key package was published before." });
    }
    if (fresh.length > 0) {
      await tx.insert(schema.keyPackages).values(fresh.map((item) => ({ deviceId: device.id, ...item })));
    }
    if (lastResort) {
      await tx
        .delete(schema.keyPackages)
        .where(and(eq(schema.keyPackages.deviceId, device.id), eq(schema.keyPackages.lastResort, true)));
      await tx.insert(schema.keyPackages).values({ deviceId: device.id, lastResort: true, ...lastResort });
    }
  });
  return keyPackageCount(deps, session);
}

/** How many unused key packages this device has left: the client tops them up. */
export async function keyPackageCount(deps: Deps, session: SessionAuth) {
  const device = await requireDevice(deps, session);
  const rows = await deps.db
    .select({ lastResort: schema.keyPackages.lastResort, n: count() })
    .from(schema.keyPackages)
    .where(eq(schema.keyPackages.deviceId, device.id))
    .groupBy(schema.keyPackages.lastResort);
  return {
    unused: rows.find((row) => !row.lastResort)?.n ?? 0,
    has_last_resort: rows.some((row) => row.lastResort),
  };
}

/**
 * One key package for every active device of each user (the caller's other devices included):
 * what adding them to an MLS group takes. Each ordinary package goes to one claimer only.
 */
export async function claimKeyPackages(deps: Deps, session: SessionAuth, userIds: readonly number[]) {
  const others = [...new Set(userIds)].filter((id) => id !== session.userId);
  await assertTies(deps, session.userId, others);
  const own = await currentDevice(deps, session);
  const wanted = [...new Set(userIds)];
  const devices = await activeDevices(
    deps.db,
    and(inArray(schema.devices.userId, wanted), own ? ne(schema.devices.id, own.id) : undefined),
  );

  const claimed: { user_id: number; device_id: string; key_package: string }[] = [];
  for (const device of devices) {
    const keyPackage = await deps.db.transaction(async (tx) => {
      // SKIP LOCKED: two people adding the same device at once each get their own package.
      const [ordinary] = await tx
        .select({ id: schema.keyPackages.id, keyPackage: schema.keyPackages.keyPackage })
        .from(schema.keyPackages)
        .where(and(eq(schema.keyPackages.deviceId, device.id), eq(schema.keyPackages.lastResort, false)))
        .orderBy(asc(schema.keyPackages.id))
        .limit(1)
        .for("update", { skipLocked: true });
      if (ordinary) {
        await tx.delete(schema.keyPackages).where(eq(schema.keyPackages.id, ordinary.id));
        return ordinary.keyPackage;
      }
      const [lastResort] = await tx
        .select({ keyPackage: schema.keyPackages.keyPackage })
        .from(schema.keyPackages)
        .where(and(eq(schema.keyPackages.deviceId, device.id), eq(schema.keyPackages.lastResort, true)));
      return lastResort?.keyPackage;
    });
    if (keyPackage) claimed.push({ user_id: device.userId, device_id: device.id, key_package: keyPackage });
  }
  const covered = new Set(claimed.map((item) => item.user_id));
  return {
    key_packages: claimed,
    users_without_devices: wanted.filter((id) => id !== session.userId && !covered.has(id)),
  };
}

/** The account keys a client pins (trust on first use) and compares for safety numbers. */
export async function accountKeysOf(deps: Deps, session: SessionAuth, userIds: readonly number[]) {
  const unique = [...new Set(userIds)];
  await assertTies(
    deps,
    session.userId,
    unique.filter((id) => id !== session.userId),
  );
  const rows = await deps.db
    .select({ userId: schema.accountKeys.userId, publicKey: schema.accountKeys.publicKey })
    .from(schema.accountKeys)
    .where(inArray(schema.accountKeys.userId, unique));
  return { account_keys: rows.map((row) => ({ user_id: row.userId, public_key: row.publicKey })) };
}

/** Your account key sealed under your recovery key: useless without it. */
export async function sealedAccountKey(deps: Deps, session: SessionAuth) {
  const [row] = await deps.db
    .select({ sealedKey: schema.accountKeys.sealedKey })
    .from(schema.accountKeys)
    .where(eq(schema.accountKeys.userId, session.userId));
  return { sealed_account_key: row?.sealedKey ?? null };
}
