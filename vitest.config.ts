import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each test file shares one database (PGlite start-up is ~3 s and ~500 MiB); files run in
    // separate forks so memory is returned between files. Two cores: two forks at a time.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Servers started by tests check every answer against its schema.
    env: { BOOKSTREAM_VALIDATE_RESPONSES: "1" },
  },
});
