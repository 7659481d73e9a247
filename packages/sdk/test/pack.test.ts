import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The package as npm users get it: packed by pnpm (which builds it first), installed with npm into a
 * project outside the workspace, type-checked as strict TypeScript under both module resolutions
 * users have, and loaded by Node. Slow (a build and an npm install): a busy 2-core box needs minutes.
 */

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const workspace = createRequire(join(packageDir, "package.json"));
const versionOf = (name: string) => (workspace(`${name}/package.json`) as { version: string }).version;

const run = promisify(execFile);
async function sh(cwd: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CI: "true" },
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}\n${stderr ?? ""}`, {
      cause: error,
    });
  }
}

const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

type PackedManifest = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

const consumerTs = `import { createParleyClient, httpOrigin, TRPCClientError, type MessageOutput, type ParleyEvent } from "@parley/sdk";
import { createParleyClient as createNodeClient } from "@parley/sdk/node";

export const client = createNodeClient({ url: "ws://127.0.0.1:4000/ws", token: () => "token" });
export const browserClient = createParleyClient({ url: "http://127.0.0.1:4000" });

type Me = Awaited<ReturnType<typeof client.user.me.query>>;
export const me: Promise<Me> = client.user.me.query();
export const idOf = (user: Me): number => user.id;

export async function send(receiver_id: number): Promise<MessageOutput> {
  return client.message.send.mutate({ receiver_id, content: "Hi", client_msg_id: crypto.randomUUID() });
}

export function describeEvent(event: ParleyEvent): string {
  return event.type === "new_message" ? event.message.content ?? "" : event.type;
}

export const isClientError = (error: unknown) => error instanceof TRPCClientError;
export const origin: string = httpOrigin("wss://parley.example/ws");

// @ts-expect-error no such procedure
export const missing = client.user.noSuchProcedure;
// @ts-expect-error receiver_id is a number
export const wrong = () => client.message.send.mutate({ receiver_id: "2", content: "Hi", client_msg_id: "x" });
`;

// What a browser app compiles: no Node types at all, the DOM's WebSocket.
const browserTs = `import { createParleyClient, type ChatListItem } from "@parley/sdk";

const parley = createParleyClient({ url: "wss://parley.example/ws", token: () => localStorage.getItem("token") });
export const chats: Promise<ChatListItem[]> = parley.chat.list.query({ limit: 20 }).then((page) => page.chats);
`;

const runtimeMjs = `import assert from "node:assert/strict";
import { httpOrigin, createParleyClient } from "@parley/sdk";
import * as node from "@parley/sdk/node";

assert.equal(httpOrigin("wss://parley.example/ws"), "https://parley.example");
assert.equal(node.httpOrigin, httpOrigin);
const client = node.createParleyClient({ url: "http://127.0.0.1:9" });
assert.equal(typeof client.user.me.query, "function");
await client.close();
assert.throws(() => createParleyClient({ url: "ftp://parley.example" }), /Unsupported URL/);
console.log(JSON.stringify({ browser: Object.keys(await import("@parley/sdk")), node: Object.keys(node) }));
`;

function tsconfig(options: Record<string, unknown>, files: string[]) {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      target: "es2022",
      skipLibCheck: false,
      ...options,
    },
    files,
  });
}

/**
 * The type errors of a strict check that reads every declaration file (no skipLibCheck), ours included,
 * less those inside tRPC's own declarations: its server adapters name `ws` and `http` types that
 * neither a browser app nor this SDK needs, which is why apps build with skipLibCheck.
 */
async function typeErrors(projectDir: string, project: string): Promise<string[]> {
  const output = await run("npx", ["--no-install", "tsc", "-p", project], { cwd: projectDir }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string; code?: number }) => {
      if (error.code !== 2) throw error;
      return error.stdout ?? "";
    },
  );
  return output
    .split("\n")
    .filter((line) => /error TS\d+/.test(line))
    .filter((line) => !line.startsWith("node_modules/@trpc/"));
}

/** The names each entry's declarations export as values (not `export type`), by the compiler's reading. */
function declaredValueExports(projectDir: string, specifiers: string[]): Record<string, string[]> {
  const file = join(projectDir, "exports.ts");
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error("exports.ts is not in the program");
  const result: Record<string, string[]> = {};
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!moduleSymbol) throw new Error(`${statement.moduleSpecifier.text} does not resolve`);
    result[statement.moduleSpecifier.text] = checker
      .getExportsOfModule(moduleSymbol)
      .filter((symbol) => {
        const declaration = symbol.declarations?.[0];
        if (declaration && ts.isExportSpecifier(declaration)) {
          if (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly) return false;
        }
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return (target.flags & ts.SymbolFlags.Value) !== 0;
      })
      .map((symbol) => symbol.name)
      .sort();
  }
  expect(Object.keys(result).sort()).toEqual([...specifiers].sort());
  return result;
}

/** Every module the browser entry loads, followed through the package's own chunks. */
function importsReachedFrom(distDir: string, entry: string): string[] {
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(distDir, file), "utf8");
    for (const [, specifier] of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?["']([^"']+)["']/g)) {
      if (!specifier) continue;
      if (specifier.startsWith("./")) visit(specifier.slice(2));
      else external.add(specifier);
    }
    for (const [, specifier] of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g))
      if (specifier) external.add(specifier);
  };
  visit(entry);
  return [...external].sort();
}

describe("the packed @parley/sdk", () => {
  const root = mkdtempSync(join(tmpdir(), "parley-sdk-pack-"));
  const packDir = join(root, "pack");
  const unpacked = join(root, "unpacked");
  const consumer = join(root, "consumer");
  let tarball: string;
  let files: string[];
  let manifest: PackedManifest;

  beforeAll(async () => {
    mkdirSync(packDir);
    mkdirSync(unpacked);
    await sh(packageDir, "npx", ["--yes", "pnpm@12.4.2", "pack", "--pack-destination", packDir]);
    const [name] = readdirSync(packDir).filter((file) => file.endsWith(".tgz"));
    if (!name) throw new Error(`pnpm pack left no tarball in ${packDir}`);
    tarball = join(packDir, name);
    files = (await sh(root, "tar", ["-tzf", tarball])).split("\n").filter(Boolean).sort();
    await sh(root, "tar", ["-xzf", tarball, "-C", unpacked]);
    manifest = JSON.parse(readFileSync(join(unpacked, "package", "package.json"), "utf8")) as PackedManifest;
  }, 240_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("holds only the build, the README, the licence and package.json", () => {
    const outside = files.filter(
      (file) =>
        !file.startsWith("package/dist/") &&
        !["package/README.md", "package/LICENSE", "package/package.json"].includes(file),
    );
    expect(outside).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        "package/dist/index.js",
        "package/dist/index.d.ts",
        "package/dist/node.js",
        "package/dist/node.d.ts",
      ]),
    );
  });

  it("declares exact dependency versions and nothing of the workspace", () => {
    const { dependencies = {}, peerDependencies = {} } = manifest;
    for (const [name, version] of Object.entries(dependencies)) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    expect(Object.keys(dependencies).filter((name) => name.startsWith("@parley/"))).toEqual([]);
    expect(JSON.stringify({ dependencies, peerDependencies })).not.toMatch(/catalog:|workspace:/);
    expect(manifest.private).toBeUndefined();
  });

  it("declares no type that only the workspace could resolve", () => {
    const declarations = files.filter((file) => file.endsWith(".d.ts"));
    const code = declarations.map((file) => readFileSync(join(unpacked, file), "utf8")).join("\n");
    expect(code).not.toMatch(/from\s+["']@parley\//);
    expect(code).not.toMatch(/drizzle|pglite|ioredis|postgres|pino|trpc-to-openapi/);
    const imported = new Set(
      [...code.matchAll(/from\s+["']([^"'.][^"']*)["']/g)].map(([, specifier]) => specifier ?? ""),
    );
    const allowed = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    expect([...imported].map(packageOf).filter((name) => !allowed.has(name))).toEqual([]);
  });

  it("keeps Node and ws out of the browser entry", () => {
    const reached = importsReachedFrom(join(unpacked, "package", "dist"), "index.js");
    expect(reached.filter((specifier) => specifier === "ws" || specifier.startsWith("node:"))).toEqual([]);
    const allowed = new Set(Object.keys(manifest.dependencies ?? {}));
    expect(reached.filter((specifier) => !allowed.has(packageOf(specifier)))).toEqual([]);
  });

  describe("installed with npm in a project outside the workspace", () => {
    beforeAll(async () => {
      mkdirSync(consumer);
      writeFileSync(
        join(consumer, "package.json"),
        JSON.stringify({ name: "consumer", private: true, type: "module" }),
      );
      await sh(consumer, "npm", [
        "install",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        tarball,
        `ws@${versionOf("ws")}`,
        `typescript@${versionOf("typescript")}`,
        `@types/node@${versionOf("@types/node")}`,
      ]);
      writeFileSync(join(consumer, "index.ts"), consumerTs);
      writeFileSync(join(consumer, "browser.ts"), browserTs);
      writeFileSync(join(consumer, "runtime.mjs"), runtimeMjs);
      writeFileSync(join(consumer, "exports.ts"), `import "@parley/sdk";\nimport "@parley/sdk/node";\n`);
      // The README's example, as a user copies it.
      writeFileSync(join(consumer, "two-users.ts"), readFileSync(join(packageDir, "examples", "two-users.ts")));
      writeFileSync(
        join(consumer, "tsconfig.nodenext.json"),
        tsconfig({ module: "nodenext", moduleResolution: "nodenext", lib: ["es2023"], types: ["node"] }, [
          "index.ts",
          "two-users.ts",
        ]),
      );
      writeFileSync(
        join(consumer, "tsconfig.bundler.json"),
        tsconfig({ module: "preserve", moduleResolution: "bundler", lib: ["es2023", "dom"], types: [] }, [
          "browser.ts",
        ]),
      );
    }, 240_000);

    it("type-checks strictly under nodenext (the README example included)", async () => {
      expect(await typeErrors(consumer, "tsconfig.nodenext.json")).toEqual([]);
    }, 120_000);

    it("type-checks strictly under bundler resolution, as a browser app without Node types", async () => {
      expect(await typeErrors(consumer, "tsconfig.bundler.json")).toEqual([]);
    }, 120_000);

    it("runs in Node, and exports at runtime exactly the values its types declare", async () => {
      const output = await sh(consumer, process.execPath, ["runtime.mjs"]);
      const runtime = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as { browser: string[]; node: string[] };
      const declared = declaredValueExports(consumer, ["@parley/sdk", "@parley/sdk/node"]);
      expect(runtime.browser.sort()).toEqual(declared["@parley/sdk"]);
      expect(runtime.node.sort()).toEqual(declared["@parley/sdk/node"]);
    }, 60_000);
  });
});

describe("the README", () => {
  it("shows examples/two-users.ts word for word", () => {
    const readme = readFileSync(join(packageDir, "README.md"), "utf8");
    const example = readFileSync(join(packageDir, "examples", "two-users.ts"), "utf8");
    expect(readme).toContain("```ts\n" + example + "```\n");
  });
});
