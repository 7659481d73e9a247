import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll } from "vitest";

import { answerClientError, createApiHttpHandler, createWebSocketEndpoint } from "@parley/api";
import { acquaint, createTestRuntime, randomPhoneNumber, type TestRuntime } from "@parley/api/test";

import { createParleyClient, type ParleyClient } from "./node";

export type TestServer = { http: string; ws: string; port: number; close(): Promise<void> };

/** The API over HTTP and WebSocket on one port, as the web process serves it; `port` to come back on the same one. */
export async function startTestServer(runtime: TestRuntime, port = 0): Promise<TestServer> {
  const handleApi = createApiHttpHandler(runtime);
  const server: Server = createServer((req, res) => {
    void handleApi(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  server.on("clientError", answerClientError);
  const endpoint = createWebSocketEndpoint(runtime, { path: "/ws", server });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    http: `http://127.0.0.1:${address.port}`,
    ws: `ws://127.0.0.1:${address.port}/ws`,
    port: address.port,
    close: async () => {
      // Dropped without a goodbye, like a server that went away.
      await endpoint.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type TestUser = { id: number; token: string; phone_number: string };

/** Signs a user up through the real OTP flow over HTTP; they have a tie to everyone made before them. */
export async function signUp(runtime: TestRuntime, server: TestServer, name: string): Promise<TestUser> {
  const anonymous = createParleyClient({ url: server.http });
  const phone_number = randomPhoneNumber();
  await anonymous.auth.register.mutate({ phone_number, full_name: name });
  const otp = runtime.sms.lastCodeFor(phone_number);
  const { user, token } = await anonymous.auth.verifyOtp.mutate({ phone_number, otp, password: "password123" });
  await acquaint(runtime, user.id);
  return { id: user.id, token, phone_number };
}

/** Polls until `check` holds (or fails the test after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export type TestSuite = {
  readonly runtime: TestRuntime;
  /** A scratch directory, removed after the suite. */
  readonly directory: string;
  /** Runs after the current test (last added first). */
  cleanups: (() => unknown)[];
  /** A server on this suite's runtime, closed after the test. */
  server: (port?: number) => Promise<TestServer>;
  /** A client, closed after the test. */
  connect: (url: string, token: string) => ParleyClient;
};

/** One runtime per suite file, and servers and clients that don't outlive their test. */
export function testSuite(directoryPrefix: string): TestSuite {
  let runtime: TestRuntime | undefined;
  let directory = "";
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    runtime = await createTestRuntime();
    directory = await mkdtemp(join(tmpdir(), directoryPrefix));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
    await runtime?.close();
  });
  const suite: TestSuite = {
    get runtime() {
      if (!runtime) throw new Error("the suite's runtime starts in beforeAll");
      return runtime;
    },
    get directory() {
      return directory;
    },
    cleanups,
    server: async (port) => {
      const started = await startTestServer(suite.runtime, port);
      cleanups.push(() => started.close());
      return started;
    },
    connect: (url, token) => {
      const opened = createParleyClient({ url, token });
      cleanups.push(() => opened.close());
      return opened;
    },
  };
  return suite;
}
