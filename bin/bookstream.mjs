#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (a runtime dependency), so no build step is needed.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = createRequire(import.meta.url).resolve("tsx/cli");
// A larger young generation for the server: a page of the stream allocates ~0.3 MB, and with V8's
// default (16 MB) the process stops for a scavenge every ~30 answers; see src/runtime-tuning.ts.
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=64`.trim() };
const r = spawnSync(process.execPath, [tsx, path.join(root, "src/cli/main.ts"), ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(r.status ?? 1);
