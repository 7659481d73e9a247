import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import * as schema from "./schema";

export type Schema = typeof schema;
/** What services see: the query builder, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Rows of a raw `db.execute()`: postgres.js answers an array, PGlite `{ rows }`.
 * Raw rows are not mapped by Drizzle: keys are column names, bigints may be strings.
 */
export async function executeRows<T>(db: Database | Transaction, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** Whether a driver error (or Drizzle's wrapper around it) is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause ?? error;
  return (cause as { code?: string } | null)?.code === "23505";
}

export type DatabaseOptions =
  { kind: "postgres"; url: string; maxConnections?: number } | { kind: "pglite"; dataDir: string | null };

export type DatabaseHandle = {
  db: Database;
  kind: DatabaseOptions["kind"];
  /** Applies pending migrations from `drizzle/`; safe to call from many instances at once. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

// Arbitrary, fixed key: every instance that starts at once waits on the same lock.
const MIGRATION_LOCK_KEY = 7_310_411_001;

/**
 * Finds the repository's `drizzle/` folder by walking up from this module,
 * which works from the source tree and from a bundled `dist/` alike.
 */
export function findMigrationsFolder(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No drizzle/ migrations folder found above ${from}`);
    dir = parent;
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const migrationsFolder = findMigrationsFolder();
  if (options.kind === "pglite") {
    const client = await PGlite.create(options.dataDir ?? undefined);
    const db = drizzlePglite({ client, schema, casing: "snake_case" }) as unknown as Database;
    return {
      db,
      kind: "pglite",
      // One in-process database: nothing else can migrate concurrently.
      migrate: () => migratePglite(drizzlePglite({ client, schema, casing: "snake_case" }), { migrationsFolder }),
      ping: async () => {
        await client.query("select 1");
      },
      close: () => client.close(),
    };
  }

  const client = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
  });
  const db = drizzlePostgres({ client, schema, casing: "snake_case" }) as unknown as Database;
  return {
    db,
    kind: "postgres",
    migrate: async () => {
      // The advisory lock is per connection: a one-connection pool takes it and
      // runs the migrations, so every statement shares that connection.
      const single = postgres(options.url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres({ client: single, schema, casing: "snake_case" }), { migrationsFolder });
        await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        // Ending the connection also releases the lock if a migration failed.
        await single.end({ timeout: 5 });
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
  };
}
