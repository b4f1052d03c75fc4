import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The web app: built into web/dist, which the API server serves at / (SPA fallback in src/http/app.ts).
// `npm run dev:web` proxies /api (including the live event stream) to a server on port 3000.
const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 700 },
  server: { proxy: { "/api": { target: "http://127.0.0.1:3000" } } },
});
