import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

import { onBrowserOrigin } from "./browser-origin";

const request = (url: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}) =>
  new NextRequest(url, { ...init, headers });

describe("onBrowserOrigin", () => {
  it("moves the URL onto the host the browser asked for, loopback address included, keeping path and query", () => {
    const moved = onBrowserOrigin(
      request("http://localhost:4000/api/nextauth/signout?x=1", {
        host: "127.0.0.1:4000",
        "x-forwarded-proto": "http",
      }),
    );
    expect(moved.url).toBe("http://127.0.0.1:4000/api/nextauth/signout?x=1");
  });

  it("takes a trusted proxy's host and protocol", () => {
    const moved = onBrowserOrigin(
      request("http://localhost:4000/api/nextauth/session", {
        host: "10.0.0.5:4000",
        "x-forwarded-host": "chat.example.org",
        "x-forwarded-proto": "https",
      }),
    );
    expect(new URL(moved.url).origin).toBe("https://chat.example.org");
  });

  it("keeps the method, headers and body of a POST", async () => {
    const moved = onBrowserOrigin(
      request(
        "http://localhost:4000/api/nextauth/callback/credentials",
        { host: "[::1]:4000", "content-type": "application/x-www-form-urlencoded", cookie: "a=b" },
        { method: "POST", body: "token=abc" },
      ),
    );
    expect(new URL(moved.url).origin).toBe("http://[::1]:4000");
    expect(moved.method).toBe("POST");
    expect(moved.headers.get("cookie")).toBe("a=b");
    expect(await moved.text()).toBe("token=abc");
  });

  it("leaves a request with a host that isn't one alone", () => {
    for (const host of ["evil.example/path", "a b", "x@y", ""]) {
      const original = request("http://localhost:4000/api/nextauth/session", host ? { host } : {});
      expect(onBrowserOrigin(original)).toBe(original);
    }
  });
});
