import { openDatabase } from "../client";

// eslint-disable-next-line no-restricted-properties -- a one-shot CLI: its only input is this variable
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write("DATABASE_URL is required (embedded PGlite migrates itself on start)\n");
  process.exit(1);
}
const handle = await openDatabase({ kind: "postgres", url });
await handle.migrate();
await handle.close();
process.stdout.write("migrations applied\n");
