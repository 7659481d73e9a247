import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";

import config from "../../drizzle.config";

/**
 * Fails when schema.ts has changes no migration carries: drizzle-kit generates into a scratch
 * copy of the migrations, and any new file there is a migration somebody forgot to generate.
 * (`drizzle-kit check` only checks the migrations against each other.)
 */
const packageRoot = resolve(import.meta.dirname, "../..");
const migrations = resolve(packageRoot, config.out ?? "drizzle");
// drizzle-kit prefixes its --out with "./", so the scratch copy has to be a relative path.
const scratch = "node_modules/.cache/schema-check";
rmSync(resolve(packageRoot, scratch), { recursive: true, force: true });
mkdirSync(resolve(packageRoot, scratch), { recursive: true });
cpSync(migrations, resolve(packageRoot, scratch), { recursive: true });

const flags = ["--dialect", config.dialect, "--out", scratch];
if (typeof config.schema === "string") flags.push("--schema", config.schema);
if (config.casing) flags.push("--casing", config.casing);
execFileSync("drizzle-kit", ["generate", ...flags], { cwd: packageRoot, stdio: ["ignore", "ignore", "inherit"] });

const known = new Set(readdirSync(migrations));
const unwritten = readdirSync(resolve(packageRoot, scratch)).filter((name) => !known.has(name));
rmSync(resolve(packageRoot, scratch), { recursive: true, force: true });
if (unwritten.length > 0) {
  process.stderr.write(
    `schema.ts has changes no migration carries (would write ${unwritten.join(", ")}): run pnpm db:generate\n`,
  );
  process.exit(1);
}
process.stdout.write("schema and migrations agree\n");
