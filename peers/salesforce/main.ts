import { parseArgs } from "node:util";
import { startSalesforcePeer } from "./server.js";

/**
 * Runs the local Salesforce on its own: `npx tsx peers/salesforce/main.ts --port 4020` (the
 * instance host takes the next port unless --instance-port says otherwise).
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4020" },
    "instance-port": { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    "api-version": { type: "string", default: "v62.0" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    "redirect-uri": { type: "string", multiple: true },
    "token-ttl-ms": { type: "string" },
    seed: { type: "string" },
    empty: { type: "boolean", default: false },
    "no-custom-fields": { type: "boolean", default: false },
  },
});

const port = Number(values.port);
const peer = await startSalesforcePeer({
  port,
  instancePort: values["instance-port"] !== undefined ? Number(values["instance-port"]) : port === 0 ? 0 : port + 1,
  host: values.host,
  apiVersion: values["api-version"],
  ...(values["client-id"] && values["client-secret"]
    ? { connectedApps: [{ clientId: values["client-id"], clientSecret: values["client-secret"], ...(values["redirect-uri"] ? { redirectUris: values["redirect-uri"] } : {}) }] }
    : {}),
  ...(values["token-ttl-ms"] ? { accessTokenTtlMs: Number(values["token-ttl-ms"]) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  empty: values.empty,
  eventCustomFields: !values["no-custom-fields"],
});

console.log(`Salesforce (simulated) — login URL ${peer.loginUrl}, instance URL ${peer.instanceUrl}, API v${peer.apiVersion}`);
console.log(`Connected app: client_id=${peer.connectedApp.clientId} (secret as configured; default in peers/salesforce/README.md)`);
for (const u of peer.control.users()) console.log(`  user ${u.Id} ${u.Name} <${u.Email}> username=${u.Username}${u.IsActive ? "" : " (inactive)"}`);
console.log(`Control API: ${peer.loginUrl}/__peer/stats, /__peer/records/Event, /__peer/faults …`);

const stop = () => void peer.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
