import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The passive-client vectors replay hundreds of epochs; a busy 2-core machine needs room.
    testTimeout: 120_000,
  },
});
