import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";

import { findMigrationsFolder } from "./client";

type Journal = { entries: { tag: string }[] };

/** A copy of drizzle/ holding only the migrations before `tag`, to build a database as it was then. */
function migrationsBefore(tag: string): string {
  const folder = findMigrationsFolder();
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as Journal;
  const index = journal.entries.findIndex((entry) => entry.tag === tag);
  if (index < 0) throw new Error(`no migration ${tag}`);
  const earlier = mkdtempSync(join(tmpdir(), "parley-migrations-"));
  mkdirSync(join(earlier, "meta"));
  writeFileSync(
    join(earlier, "meta", "_journal.json"),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }),
  );
  for (const entry of journal.entries.slice(0, index))
    cpSync(join(folder, `${entry.tag}.sql`), join(earlier, `${entry.tag}.sql`));
  return earlier;
}

describe("migration 0006_former_member_snapshots", () => {
  const earlier = migrationsBefore("0006_former_member_snapshots");
  afterAll(() => rmSync(earlier, { recursive: true, force: true }));

  it("gives members who left before it the group as it stands then, and current members no snapshot", async () => {
    const client = await PGlite.create();
    try {
      const db = drizzle({ client, casing: "snake_case" });
      await migrate(db, { migrationsFolder: earlier });
      await client.exec(`
        insert into users (id, phone_number, password_hash) values (1, '+14155550201', 'x'), (2, '+14155550202', 'x'), (3, '+14155550203', 'x');
        insert into groups (id, name, description, profile_picture_url, created_by, last_seq, delivered_seq, read_seq)
          values (1, 'Renamed since', 'about', 'https://example.com/g.png', 1, 9, 8, 4);
        insert into group_members (group_id, user_id, role, joined_seq, left_seq, left_at) values
          (1, 1, 'admin', 1, null, null), (1, 2, 'member', 1, null, null), (1, 3, 'member', 1, 6, now());
      `);
      await migrate(db, { migrationsFolder: findMigrationsFolder() });
      const { rows } = await client.query(`
        select user_id, left_name, left_description, left_profile_picture_url, left_member_count, left_delivered_seq, left_read_seq
        from group_members order by user_id`);
      expect(rows).toEqual([
        {
          user_id: 1,
          left_name: null,
          left_description: null,
          left_profile_picture_url: null,
          left_member_count: null,
          left_delivered_seq: null,
          left_read_seq: null,
        },
        {
          user_id: 2,
          left_name: null,
          left_description: null,
          left_profile_picture_url: null,
          left_member_count: null,
          left_delivered_seq: null,
          left_read_seq: null,
        },
        // What the group is at migration time, with ticks no further than what they saw (left_seq 6).
        {
          user_id: 3,
          left_name: "Renamed since",
          left_description: "about",
          left_profile_picture_url: "https://example.com/g.png",
          left_member_count: 2,
          left_delivered_seq: 6,
          left_read_seq: 4,
        },
      ]);
    } finally {
      await client.close();
    }
  });
});
