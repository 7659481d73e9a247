import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import postgres from "postgres";

import { type DatabaseHandle, findMigrationsFolder, openDatabase } from "./client";

/**
 * Test databases on a real PostgreSQL server. A template database is migrated
 * once per migration set (its name carries a hash of the journal); each test
 * file then gets its own copy, so files run in parallel and in any order.
 */
export type TestDatabase = DatabaseHandle & { url: string; drop(): Promise<void> };

function adminUrl(): string {
  // eslint-disable-next-line no-restricted-properties -- test-only helper, never loaded by servers
  return process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function templateName(): string {
  const journal = readFileSync(join(findMigrationsFolder(), "meta", "_journal.json"));
  return `parley_template_${createHash("sha256").update(journal).digest("hex").slice(0, 12)}`;
}

async function ensureTemplate(admin: postgres.Sql, name: string): Promise<void> {
  const existing = await admin`select 1 from pg_database where datname = ${name}`;
  if (existing.length > 0) return;
  // Build under a temporary name and rename when complete, so a crash never
  // leaves a half-migrated template behind for later runs to copy.
  const building = `${name}_build_${randomBytes(4).toString("hex")}`;
  await admin.unsafe(`create database "${building}"`);
  const handle = await openDatabase({ kind: "postgres", url: withDatabase(adminUrl(), building), maxConnections: 1 });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
  try {
    await admin.unsafe(`alter database "${building}" rename to "${name}"`);
  } catch (error) {
    // Another process finished the same template first.
    await admin.unsafe(`drop database if exists "${building}"`);
    const raced = await admin`select 1 from pg_database where datname = ${name}`;
    if (raced.length === 0) throw error;
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  const template = templateName();
  const name = `parley_test_${randomBytes(6).toString("hex")}`;
  try {
    await ensureTemplate(admin, template);
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl(), name);
  const handle = await openDatabase({ kind: "postgres", url });
  return {
    ...handle,
    url,
    drop: async () => {
      await handle.close();
      const cleanup = postgres(adminUrl(), { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
