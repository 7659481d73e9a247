import { z } from "zod";

import { idSchema } from "./common";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Standard base64 of exactly `bytes` bytes (keys and signatures have fixed sizes). */
export const base64OfLength = (bytes: number, what: string) =>
  z
    .string()
    .length(Math.ceil(bytes / 3) * 4, `${what} is ${bytes} bytes, base64-encoded`)
    .regex(BASE64, `${what} must be base64`);

/** Standard base64 of at most `maxBytes` bytes. */
export const base64UpTo = (maxBytes: number, what: string) =>
  z
    .string({ error: `${what} must be base64` })
    .min(4, `${what} can't be empty`)
    .max(Math.ceil(maxBytes / 3) * 4, `${what} is at most ${maxBytes} bytes`)
    .regex(BASE64, `${what} must be base64`);

/** A key package's MLSMessage is a few hundred bytes; 4 KiB leaves room and stops abuse. */
export const KEY_PACKAGE_MAX_BYTES = 4096;
/** How many unused key packages a device keeps published (plus its last-resort one). */
export const KEY_PACKAGE_TARGET = 50;

const keyPackageSchema = base64UpTo(KEY_PACKAGE_MAX_BYTES, "a key package");

export const registerDeviceInput = z.object({
  name: z.string().trim().min(1, "Give the device a name").max(64),
  signature_public_key: base64OfLength(32, "signature_public_key"),
  account_public_key: base64OfLength(32, "account_public_key"),
  certificate: base64OfLength(64, "certificate"),
  /** Only with the account's first device: the account key sealed under the recovery key. */
  sealed_account_key: base64UpTo(192, "sealed_account_key").optional(),
});

export const deviceOutput = z
  .object({
    id: z.uuid(),
    name: z.string(),
    signature_public_key: z.string(),
    created_at: z.iso.datetime(),
    last_active_at: z.iso.datetime(),
    is_current: z.boolean(),
  })
  .meta({ id: "Device" });

export const deviceListOutput = z.object({ devices: z.array(deviceOutput) });

export const removeDeviceInput = z.object({ device_id: z.uuid() });

export const publishKeyPackagesInput = z.object({
  key_packages: z.array(keyPackageSchema).max(100),
  /** Handed out when the others run out, and never used up; replaces the previous one. */
  last_resort: keyPackageSchema.optional(),
});

export const keyPackageCountOutput = z.object({ unused: z.number().int(), has_last_resort: z.boolean() });

export const claimKeyPackagesInput = z.object({ user_ids: z.array(idSchema).min(1).max(256) });

export const claimedKeyPackageOutput = z.object({
  user_id: z.number().int(),
  device_id: z.uuid(),
  key_package: z.string(),
});

export const claimKeyPackagesOutput = z.object({
  key_packages: z.array(claimedKeyPackageOutput),
  /** Users with no device that can receive encrypted messages: a conversation with them stays plaintext. */
  users_without_devices: z.array(z.number().int()),
});

export const accountKeysInput = z.object({ user_ids: z.array(idSchema).min(1).max(256) });

export const accountKeysOutput = z.object({
  account_keys: z.array(z.object({ user_id: z.number().int(), public_key: z.string() })),
});

export const sealedAccountKeyOutput = z.object({ sealed_account_key: z.string().nullable() });

export type RegisterDeviceInput = z.infer<typeof registerDeviceInput>;
export type PublishKeyPackagesInput = z.infer<typeof publishKeyPackagesInput>;
