import { parseArgs } from "node:util";
import { DEFAULT_SANDBOX_APP, startPayPalPeer } from "./server.js";

/**
 * The PayPal peer on its own:
 *   npx tsx peers/paypal/main.ts --port 4010 [--host 127.0.0.1] [--public-url URL]
 *     [--webhook-url URL [--webhook-id ID]] [--client-id ID --client-secret SECRET] [--seed N] [--verbose]
 * Prints its URL and the sandbox app's credentials, then serves until interrupted.
 */

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    "public-url": { type: "string" },
    "webhook-url": { type: "string" },
    "webhook-id": { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    seed: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);
if (Boolean(values["client-id"]) !== Boolean(values["client-secret"])) throw new Error("--client-id and --client-secret go together");
const client = values["client-id"] ? { clientId: values["client-id"], clientSecret: values["client-secret"]! } : DEFAULT_SANDBOX_APP;

const peer = await startPayPalPeer({
  port,
  host: values.host,
  publicUrl: values["public-url"],
  clients: [client],
  seed: values.seed !== undefined ? Number(values.seed) : undefined,
  log: values.verbose ? (line) => console.log(line) : undefined,
});

console.log(`PayPal peer (simulated PayPal REST API) listening on ${peer.url}`);
console.log(`  client id:     ${client.clientId}`);
console.log(`  client secret: ${client.clientSecret}`);
if (values["webhook-url"]) {
  const hook = peer.control.registerWebhook({ url: values["webhook-url"], id: values["webhook-id"], clientId: client.clientId });
  console.log(`  webhook id:    ${String(hook.id)} → ${String(hook.url)}`);
}
console.log(`  control API:   ${peer.url}/__peer/ledger (see peers/paypal/README.md)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void peer.close().then(() => process.exit(0));
  });
}
