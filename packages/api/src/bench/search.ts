/**
 * `pnpm bench:search`: message search over a realistic history. One user has 200 chats with 500
 * messages each (100,000 messages), and as many again are in other people's chats (which must
 * never be found). Random one- and two-word prefix searches run through `message.search`'s
 * service, 4 at a time, on PostgreSQL and on PGlite. Baselines, same run, same database: the bare
 * full-text query over the GIN index with no visibility rules (what the index alone costs), and
 * `select 1` (a round trip).
 *
 * Options: --chats=200 --per-chat=500 --queries=300 --shape=scaled|embedded|both
 */
import { sql } from "drizzle-orm";

import { executeRows } from "@parley/db";

import { searchMessages } from "../services/message-search";
import { measure, parseOptions, printTable } from "./measure";
import { createTestRuntime, makeUser, type TestRuntime, type TestShape } from "../test";

const args = parseOptions();
const chats = Number(args.get("chats") ?? 200);
const perChat = Number(args.get("per-chat") ?? 500);
const queries = Number(args.get("queries") ?? 300);
const shapes: TestShape[] =
  args.get("shape") === "scaled"
    ? ["scaled"]
    : args.get("shape") === "embedded"
      ? ["embedded"]
      : ["scaled", "embedded"];

const vocabulary = (
  "dinner lunch tomorrow tonight meeting office train station airport flight hotel beach party birthday " +
  "present coffee football match tickets concert movie weekend holiday mountain river garden kitchen recipe " +
  "doctor appointment school homework project deadline invoice payment rent apartment keys parking traffic " +
  "weather rain sunny snow jacket shoes market groceries bread cheese wine pizza pasta salad chocolate cake"
).split(" ");

/** `chats` peers for `ownerId` and for a stranger, each chat with `perChat` messages of 6–14 random words. */
async function seed(runtime: TestRuntime, ownerId: number, strangerId: number) {
  const words = sql.raw(`(array[${vocabulary.map((word) => `'${word}'`).join(",")}])`);
  for (const owner of [ownerId, strangerId]) {
    await executeRows(
      runtime.db,
      sql`
        with peers as (
          insert into users (phone_number, password_hash, full_name)
          select '+1999' || ${owner}::text || lpad(g::text, 6, '0'), 'x', 'Peer ' || g from generate_series(1, ${chats}) g
          returning id
        ),
        new_chats as (
          insert into chats (user1_id, user2_id, last_seq)
          select least(${owner}::int, id), greatest(${owner}::int, id), ${perChat}::int from peers
          returning id, user1_id, user2_id
        )
        insert into messages (chat_id, sender_id, seq, content, created_at)
        select c.id, case when s % 2 = 0 then c.user1_id else c.user2_id end, s,
          (select string_agg(${words}[1 + floor(random() * ${vocabulary.length})::int], ' ')
             from generate_series(1, 6 + (s * 7 + c.id) % 9) w where w > 0 and s > 0),
          now() - make_interval(mins => ${perChat}::int - s)
        from new_chats c, generate_series(1, ${perChat}) s
      `,
    );
  }
  await executeRows(runtime.db, sql`analyze messages`);
}

function randomQuery(index: number): string {
  const pick = () => vocabulary[Math.floor(Math.random() * vocabulary.length)] ?? "dinner";
  // Prefixes, as people type: "dinn", "tomor".
  const prefix = (word: string) => word.slice(0, Math.max(3, Math.ceil(word.length * 0.7)));
  return index % 2 === 0 ? prefix(pick()) : `${prefix(pick())} ${prefix(pick())}`;
}

const rows: string[][] = [];
for (const shape of shapes) {
  const runtime = await createTestRuntime({ shape });
  try {
    const [owner, stranger] = [await makeUser(runtime, "Owner"), await makeUser(runtime, "Stranger")];
    const seeding = performance.now();
    await seed(runtime, owner, stranger);
    process.stdout.write(
      `${shape}: seeded ${2 * chats * perChat} messages in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`,
    );

    let found = 0;
    const search = await measure(queries, 4, async (index) => {
      const result = await searchMessages(runtime, owner, { q: randomQuery(index), limit: 30 });
      found += result.messages.length;
    });
    const bare = await measure(queries, 4, async (index) => {
      const tsquery = randomQuery(index)
        .split(" ")
        .map((word) => `${word}:*`)
        .join(" & ");
      await executeRows(
        runtime.db,
        sql`select id from messages where to_tsvector('simple', coalesce(content, '')) @@ to_tsquery('simple', ${tsquery}) order by id desc limit 30`,
      );
    });
    const roundTrip = await measure(queries, 4, () => executeRows(runtime.db, sql`select 1`));
    rows.push([
      shape,
      search.perSecond.toFixed(0),
      search.p50.toFixed(1),
      search.p99.toFixed(1),
      (found / queries).toFixed(1),
      `${bare.perSecond.toFixed(0)} (p50 ${bare.p50.toFixed(1)} ms)`,
      `${roundTrip.perSecond.toFixed(0)}`,
      (search.perSecond / bare.perSecond).toFixed(2),
    ]);
  } finally {
    await runtime.close();
  }
}

const header = [
  "shape",
  "searches/s",
  "p50 ms",
  "p99 ms",
  "results/search",
  "baseline: bare FTS/s",
  "baseline: select 1/s",
  "× bare FTS",
];
printTable(header, rows);
process.stdout.write(
  `\n${chats} chats × ${perChat} messages visible to the searcher, as many hidden from them; ${queries} random prefix searches, 4 at a time.\n` +
    "Search: message.search's service (visibility, hidden messages, media, reactions). Baselines, same run and database:\n" +
    "the same full-text query over the GIN index without visibility rules, and select 1.\n",
);
