// `npm start` serves the production build of the web app; build it when missing or stale.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "web/dist/index.html");
const srcDir = path.join(root, "web/src");
if (!fs.existsSync(path.join(root, "web/index.html"))) process.exit(0);
const newest = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
const stale = !fs.existsSync(dist) || (fs.existsSync(srcDir) && newest(srcDir) > fs.statSync(dist).mtimeMs);
if (stale) {
  console.log("Building the web app…");
  execSync("npx vite build --config web/vite.config.ts --logLevel warn", { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
}
