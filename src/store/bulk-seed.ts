import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { sql, type Kysely } from "kysely";
import { findUserByEmail, firstAccount, insertAccount, insertUser } from "./accounts-repo.js";
import type { DatabaseHandle } from "./database.js";
import { insertBookingPage, insertEventType, insertPageMember } from "./pages-repo.js";
import type { Database } from "./schema.js";
import { rebuildReportCounts } from "./report-counts-repo.js";
import { createLoadedTable, seedRecords, type SeededRecords } from "./bulk-seed-records.js";
import {
  benchHosts, customersFor, EMAIL_DOMAINS, FIRST_NAMES, hostsFor, LAST_NAMES, PAGES, TIME_ZONES, WEEKDAYS,
} from "./bulk-seed-data.js";
import { deferIndexesAndForeignKeys } from "./bulk-seed-indexes.js";
import { generateBatch, loadInRounds, moveStaged, tuneForLoad } from "./bulk-seed-generate.js";
import { loadInParallel } from "./bulk-seed-parallel.js";
import type { TaskTiming } from "./load-tasks.js";

/**
 * Bulk-loads generated activities for benchmarks (`bookstream seed --activities N`, `npm run bench`).
 *
 * Set-based: each batch is one `INSERT … SELECT … FROM generate_series(…)` (50,000 rows) that draws
 * customers, pages, event types and hosts at random from the account's own rows, so the
 * denormalised columns (and the generated search vector) hold realistic, varied text. Batches go
 * to a temporary staging table; one statement then moves them into `activities` in creation order,
 * so the table's pages fill the way a live table's do. Activity IDs are made in SQL from
 * md5(random()) in the real format. The move skips (ON CONFLICT DO NOTHING) the rare row that hits
 * a unique or exclusion constraint (an ID collision; a live booking overlapping its host's other
 * live booking, which migration 002 forbids), and the next round tops up.
 *
 * Beside the activities (bulk-seed-records.ts): each one's history (how it was made and the change
 * that led to its detailed status), a payment relation and payment record per transaction, and the
 * last 30 days' outbox events, delivered. Not written: manage tokens (no customer follows a link to
 * bench data). Transactions carry an amount and currency, and payments their refundable rest.
 *
 * A large load (≥ 100,000 rows, more than the table holds) drops the secondary indexes and foreign
 * keys of `activities` and, for their inserts, of history, relations and payment records
 * (bulk-seed-indexes.ts), loads, and recreates each from its saved definition (pg_indexes.indexdef,
 * pg_get_constraintdef): index-for-index identical. On PostgreSQL it works on several connections
 * at once (bulk-seed-parallel.ts: not one transaction; a failure puts back what was dropped). On
 * the embedded database (one connection) it runs in one transaction, so a failure leaves the
 * tables untouched; that holds an exclusive lock on them for the whole load. Either way a
 * benchmark tool, not something to run on a database in use.
 * Triggers stay on (migration 002's `blocked` column is computed by one).
 */

export { BENCH_ADMIN_EMAIL, BENCH_MEMBER_EMAIL } from "./bulk-seed-data.js";

export interface BulkSeedOptions {
  activities: number;
  /** Default: the first account; when there is none, a new "Bench" account with users and pages. */
  accountId?: string;
  /** Rows per INSERT statement. */
  batch?: number;
  /** Drop and rebuild the indexes and foreign keys around the load (default: from 100,000 rows). */
  rebuildIndexes?: boolean;
  /**
   * Connections a large load on PostgreSQL works on at once (bulk-seed-parallel.ts; default: one
   * per core, at least two, at most eight). The embedded database has one.
   */
  connections?: number;
  /** Called after each batch (progress). */
  onProgress?: (inserted: number, total: number) => void;
}

export interface BulkSeedResult {
  accountId: string;
  inserted: number;
  seconds: number;
  rowsPerSecond: number;
  records: SeededRecords;
  /** Seconds per phase: where a large load's time goes (issue 16's 15,000,000 in 10 minutes). */
  phases: SeedPhases;
  /** A load over several connections: each task's start and end, in seconds from the first task. */
  tasks?: TaskTiming[];
}

export interface SeedPhases {
  /** Users, pages, customers; the indexes and foreign keys dropped. */
  setup: number;
  /** The activities generated into the staging table. */
  generate: number;
  /** Moved into `activities` in creation order, through the kept unique and exclusion indexes. */
  move: number;
  /** The dropped indexes rebuilt and foreign keys validated (over several connections: also history's, relations' and payments'). */
  indexes: number;
  /** History, relations, payment records, outbox (bulk-seed-records.ts). */
  records: number;
  /** The report counts rebuilt (over several connections: beside the records, in `records`; here the helpers dropped). */
  counts: number;
  /** VACUUM (ANALYZE) and the other tables' statistics. */
  vacuum: number;
}

/** "generate 12.3 s, move 45.6 s, …" */
export function describeSeedPhases(p: SeedPhases): string {
  return (Object.entries(p) as [string, number][]).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ");
}

const DEFAULT_BATCH = 50_000;
const REBUILD_INDEXES_FROM = 100_000;
const textArray = (items: string[]) => sql`ARRAY[${sql.join(items.map((s) => sql.lit(s)))}]::text[]`;

export async function bulkSeed(handle: DatabaseHandle, opts: BulkSeedOptions): Promise<BulkSeedResult> {
  const total = Math.floor(opts.activities);
  if (!Number.isFinite(total) || total < 0) throw new Error("bulk seed: activities must be a non-negative number");
  const batch = Math.max(1, Math.floor(opts.batch ?? DEFAULT_BATCH));
  if (opts.connections !== undefined && !(Number.isInteger(opts.connections) && opts.connections >= 1)) {
    throw new Error("bulk seed: connections must be a whole number of at least 1");
  }
  const db = handle.db;
  const t0 = performance.now();
  const phases: SeedPhases = { setup: 0, generate: 0, move: 0, indexes: 0, records: 0, counts: 0, vacuum: 0 };
  let lapStart = t0;
  const lap = (phase: keyof SeedPhases) => {
    const now = performance.now();
    phases[phase] += (now - lapStart) / 1000;
    lapStart = now;
  };

  const accountId = opts.accountId ?? (await firstAccount(db))?.id ?? (await createBenchAccount(db));
  const held = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM activities WHERE account_id = ${accountId}`.execute(db)).rows[0].n);
  await ensureHostsAndPages(db, accountId, hostsFor(held + total));
  await ensureCustomers(db, accountId, customersFor(held + total));

  const existing = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM activities`.execute(db)).rows[0].n);
  const rebuild = opts.rebuildIndexes ?? (total >= REBUILD_INDEXES_FROM && total > existing);
  let inserted = 0;
  let records: SeededRecords = { history: 0, relations: 0, payments: 0, outboxEvents: 0 };
  // The batch statement joins generated rows to the account's customers, pages and users: with
  // statistics the planner hashes those joins instead of looping over them.
  await sql`ANALYZE customers, event_types, booking_pages, users`.execute(db);
  let tasks: TaskTiming[] | undefined;
  if (rebuild && handle.engine === "postgres") {
    lap("setup");
    const connections = opts.connections ?? Math.min(8, Math.max(2, availableParallelism()));
    const loaded = await loadInParallel(db, { accountId, total, batch, connections, onProgress: opts.onProgress });
    for (const [phase, s] of Object.entries(loaded.phases) as [keyof SeedPhases, number][]) phases[phase] += s;
    lapStart = performance.now();
    ({ inserted, records, tasks } = loaded);
  } else await db.transaction().execute(async (trx) => {
    await tuneForLoad(trx, { embedded: handle.engine === "pglite", serialBuilds: false });
    const deferred = rebuild ? await deferIndexesAndForeignKeys(trx, "activities") : undefined;
    // A large load skips the report counts' trigger (two delta rows per booking) and counts once after.
    if (rebuild) await sql`ALTER TABLE activities DISABLE TRIGGER activities_report_counts`.execute(trx);
    await sql`CREATE TEMP TABLE bulk_seed_staging (LIKE activities INCLUDING DEFAULTS) ON COMMIT DROP`.execute(trx);
    await createLoadedTable(trx);
    lap("setup");
    inserted = await loadInRounds(total, async (missing, done) => {
      for (let generated = 0; generated < missing; ) {
        const n = Math.min(batch, missing - generated);
        await generateBatch(trx, accountId, n);
        generated += n;
        opts.onProgress?.(done + generated, total);
      }
      lap("generate");
      const moved = await moveStaged(trx, "bulk_seed_staging");
      lap("move");
      return moved;
    });
    await deferred?.restore();
    lap("indexes");
    records = await seedRecords(trx, accountId, { timePartitions: handle.engine === "postgres", deferIndexes: rebuild });
    lap("records");
    if (rebuild) {
      await sql`ALTER TABLE activities ENABLE TRIGGER activities_report_counts`.execute(trx);
      await rebuildReportCounts(trx, accountId);
    }
  });
  lap("counts");
  // VACUUM sets hint bits and the visibility map now rather than on the first reads; ANALYZE
  // gives the planner statistics for the new rows.
  await sql`VACUUM (ANALYZE) activities`.execute(db);
  await sql`ANALYZE activity_history, activity_relations, payment_records, outbox_events, outbox_deliveries`.execute(db);
  lap("vacuum");
  const seconds = (performance.now() - t0) / 1000;
  return { accountId, inserted, seconds, rowsPerSecond: seconds > 0 ? Math.round(inserted / seconds) : inserted, records, phases, tasks };
}

/** The "Bench" account, with its users and pages (ensureHostsAndPages). */
async function createBenchAccount(db: Kysely<Database>): Promise<string> {
  const accountId = randomUUID();
  await insertAccount(db, { id: accountId, name: "Bench" });
  return accountId;
}

/**
 * Gives an account without booking pages (a new "Bench" one, or the empty account a server makes
 * on its first start) the users and pages activities are drawn from: an admin, a member and more
 * hosts (those whose e-mail is free), eight pages owned by several of them, with event types.
 * An account with fewer than `hostCount` users gets the bench hosts it lacks (a larger load on an
 * account seeded before).
 */
async function ensureHostsAndPages(db: Kysely<Database>, accountId: string, hostCount: number): Promise<void> {
  const pages = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM event_types WHERE account_id = ${accountId}`.execute(db)).rows[0].n;
  const users = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE account_id = ${accountId}`.execute(db)).rows[0].n;
  if (pages > 0 && users >= hostCount) return;
  const hosts = benchHosts(hostCount);
  await db.transaction().execute(async (trx) => {
    // The hosts this account holds, with their zones (a host whose e-mail is taken elsewhere is skipped).
    const ours: { id: string; timeZone: string }[] = [];
    for (const h of hosts) {
      const existing = await findUserByEmail(trx, h.email);
      if (existing && existing.account_id !== accountId) continue;
      const id = existing?.id ?? randomUUID();
      if (!existing) await insertUser(trx, { id, account_id: accountId, email: h.email, name: h.name, role: h.role, password_hash: null, time_zone: h.timeZone });
      ours.push({ id, timeZone: h.timeZone });
    }
    if (pages > 0) return;
    if (ours.length === 0) throw new Error("bulk seed: the bench users' e-mails all belong to another account");
    const tag = accountId.slice(0, 6);
    for (const [i, p] of PAGES.entries()) {
      const pageId = randomUUID();
      const owner = ours[p.owner % ours.length];
      const slug = `${p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${tag}`;
      await insertBookingPage(trx, {
        id: pageId, account_id: accountId, slug, name: p.name, owner_id: owner.id, time_zone: owner.timeZone,
        duration_minutes: 30, mode: p.mode, location: i % 2 ? "Video call" : "Main office", open_hours: WEEKDAYS,
      });
      for (const name of p.eventTypes) await insertEventType(trx, { id: randomUUID(), account_id: accountId, booking_page_id: pageId, name, duration_minutes: 30 });
      // The member sees one more page than their own, as a viewer.
      if (i === 0 && ours.length > 1) await insertPageMember(trx, { account_id: accountId, booking_page_id: pageId, user_id: ours[1].id, role: "viewer" });
    }
  });
}

/** Tops the account up to `customers` customers with varied names, e-mails, phones and zones. */
async function ensureCustomers(db: Kysely<Database>, accountId: string, customers: number): Promise<void> {
  const have = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM customers WHERE account_id = ${accountId}`.execute(db)).rows[0].n);
  if (have >= customers) return;
  await sql`
    INSERT INTO customers (id, account_id, name, email, phone, time_zone, created_at)
    SELECT gen_random_uuid(), ${accountId}::uuid, f || ' ' || l,
      lower(translate(f, 'áéíóúüöäçñ', 'aeiouuoacn') || '.' || replace(translate(l, 'áéíóúüöäçñ''', 'aeiouuoacn'), ' ', '') || '.' || g || '.' || substr(md5(random()::text), 1, 4) || '@' || d),
      CASE g % 3
        WHEN 0 THEN '+1 (555) ' || lpad((100 + g % 900)::text, 3, '0') || '-' || lpad((g * 7919 % 10000)::text, 4, '0')
        WHEN 1 THEN '+44 20 7946 ' || lpad((g * 31 % 10000)::text, 4, '0')
        ELSE '+49 30 ' || lpad((g * 104729 % 10000000)::text, 7, '0')
      END,
      z, now() - random() * interval '730 days'
    FROM (
      SELECT g,
        (${textArray(FIRST_NAMES)})[1 + floor(random() * ${FIRST_NAMES.length})::int] AS f,
        (${textArray(LAST_NAMES)})[1 + floor(random() * ${LAST_NAMES.length})::int] AS l,
        (${textArray(EMAIL_DOMAINS)})[1 + floor(random() * ${EMAIL_DOMAINS.length})::int] AS d,
        (${textArray(TIME_ZONES)})[1 + floor(random() * ${TIME_ZONES.length})::int] AS z
      FROM generate_series(${have + 1}::bigint, ${customers}::bigint) AS g
    ) AS c`.execute(db);
}
