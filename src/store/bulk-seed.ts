import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { BOOKING_STATUSES, DETAILED_STATUSES } from "../domain/lifecycle.js";
import { isTransactionType, statusOfTransaction } from "../domain/transactions.js";
import { findUserByEmail, firstAccount, insertAccount, insertUser } from "./accounts-repo.js";
import type { DatabaseHandle } from "./database.js";
import { insertBookingPage, insertEventType, insertPageMember } from "./pages-repo.js";
import type { Database, OpenHours } from "./schema.js";
import { rebuildReportCounts } from "./report-counts-repo.js";
import { createLoadedTable, hasStory, LOADED_COLUMNS, seedRecords, type SeededRecords } from "./bulk-seed-records.js";

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
 * A large load (≥ 100,000 rows, more than the table holds) runs in one transaction that drops the
 * activities table's secondary indexes and foreign keys, loads, and recreates each from its saved
 * definition (pg_indexes.indexdef, pg_get_constraintdef): index-for-index identical, and a failure
 * leaves the table untouched. That holds an exclusive lock on `activities` for the whole load (a
 * few minutes for a million rows): a benchmark tool, not something to run on a database in use.
 * Triggers stay on (migration 002's `blocked` column is computed by one).
 */

export const BENCH_ADMIN_EMAIL = "bench-admin@bookstream.test";
export const BENCH_MEMBER_EMAIL = "bench-member@bookstream.test";

export interface BulkSeedOptions {
  activities: number;
  /** Default: the first account; when there is none, a new "Bench" account with users and pages. */
  accountId?: string;
  /** Rows per INSERT statement. */
  batch?: number;
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
}

export interface SeedPhases {
  /** Users, pages, customers; the indexes and foreign keys dropped. */
  setup: number;
  /** The activities generated into the staging table. */
  generate: number;
  /** Moved into `activities` in creation order, through the kept unique and exclusion indexes. */
  move: number;
  /** The dropped indexes rebuilt and foreign keys validated. */
  indexes: number;
  /** History, relations, payment records, outbox (bulk-seed-records.ts). */
  records: number;
  /** The report counts rebuilt. */
  counts: number;
  /** VACUUM (ANALYZE) and the other tables' statistics. */
  vacuum: number;
}

/** "generate 12.3 s, move 45.6 s, …" */
export function describeSeedPhases(p: SeedPhases): string {
  return (Object.entries(p) as [string, number][]).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ");
}

const DEFAULT_BATCH = 50_000;
/**
 * The account grows with its activities, as a real one does: at least 5,000 customers and 40
 * hosts, and one more customer per 200 activities and host per 25,000 beyond that. The hosts
 * bound the live bookings: each has 364 days × 28 half hours ahead, and a live booking may not
 * overlap its host's others (migration 002), so 9 % of 15,000,000 activities live on 40 hosts
 * would not fit (1.36 million bookings for 408,000 slots); on 600 they fill about a fifth.
 */
const customersFor = (activities: number) => Math.max(5_000, Math.ceil(activities / 200));
const hostsFor = (activities: number) => Math.max(40, Math.ceil(activities / 25_000));
const REBUILD_INDEXES_FROM = 100_000;

const FIRST_NAMES = [
  "Annette", "John", "Priya", "Mateo", "Chen", "Fatima", "Olga", "Kwame", "Sofia", "Liam", "Yuki", "Noah", "Amara", "Lucas",
  "Ines", "Emma", "Oliver", "Charlotte", "Henry", "Amelia", "Jack", "Isla", "Leo", "Maya", "Arjun", "Zara", "Diego", "Elena",
  "Hiroshi", "Mei", "Tariq", "Leila", "Sven", "Astrid", "Pierre", "Camille", "Giulia", "Marco", "Aleksandr", "Natalia", "Kofi",
  "Ama", "Rafael", "Lucia", "Sean", "Niamh", "Dmitri", "Katarzyna", "Omar", "Layla", "Ravi", "Ananya", "Thomas", "Hannah",
  "Samuel", "Grace", "Benjamin", "Chloe", "Daniel", "Ruby",
];
const LAST_NAMES = [
  "Keller", "Okafor", "Novak", "Silva", "Tanaka", "Haddad", "Brennan", "Moreau", "Lindqvist", "Ortiz", "Smith", "Johnson",
  "Williams", "Brown", "Garcia", "Martinez", "Müller", "Schmidt", "Rossi", "Bianchi", "Dubois", "Laurent", "Kowalski",
  "Nowak", "Ivanova", "Petrov", "Nakamura", "Sato", "Kim", "Park", "Nguyen", "Tran", "Patel", "Sharma", "Mensah", "Owusu",
  "O'Brien", "Murphy", "Jensen", "Hansen", "Fernandes", "Costa", "Yilmaz", "Demir", "Cohen", "Levi", "Andersson", "Berg",
  "Fischer", "Weber", "Romano", "Ferrari", "Wright", "Walker", "Hughes", "Evans", "Clarke", "Lopez", "Gonzalez", "Reyes",
];
const EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "corp.example.org"];
const TIME_ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "Europe/Paris"];

/** The account's users: an admin, a member, and `count - 2` more hosts (team pages spread bookings over them). */
function benchHosts(count: number): { email: string; name: string; role: "admin" | "member"; timeZone: string }[] {
  return [
    { email: BENCH_ADMIN_EMAIL, name: "Helena Brandt", role: "admin", timeZone: "Europe/Berlin" },
    { email: BENCH_MEMBER_EMAIL, name: "Marcus Webb", role: "member", timeZone: "Europe/London" },
    ...Array.from({ length: count - 2 }, (_, i) => ({
      email: `bench-host-${i + 1}@bookstream.test`,
      name: `${FIRST_NAMES[(i * 7 + 3) % FIRST_NAMES.length]} ${LAST_NAMES[(i * 11 + 5) % LAST_NAMES.length]}`,
      role: "member" as const,
      timeZone: TIME_ZONES[i % TIME_ZONES.length],
    })),
  ];
}
/** Booking pages: name, owner (index into HOSTS), mode, event types. */
const PAGES: { name: string; owner: number; mode: "automatic" | "approval"; eventTypes: string[] }[] = [
  { name: "Intro call", owner: 0, mode: "automatic", eventTypes: ["Quick chat", "Deep dive"] },
  { name: "Physiotherapy", owner: 1, mode: "approval", eventTypes: ["First assessment", "Follow-up session", "Sports massage"] },
  { name: "Tax consultation", owner: 2, mode: "automatic", eventTypes: ["Tax return review", "Business advice"] },
  { name: "Hair salon", owner: 3, mode: "automatic", eventTypes: ["Haircut", "Colouring", "Beard trim"] },
  { name: "Language lessons", owner: 4, mode: "approval", eventTypes: ["French conversation", "Spanish grammar"] },
  { name: "Dental clinic", owner: 5, mode: "approval", eventTypes: ["Check-up", "Cleaning", "Whitening"] },
  { name: "Personal training", owner: 3, mode: "automatic", eventTypes: ["Strength training", "Yoga class"] },
  { name: "Legal advice", owner: 0, mode: "approval", eventTypes: ["Contract review", "Tenancy question"] },
];
const WEEKDAYS: OpenHours = { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] };

/**
 * How often each (type, status, detailed status) occurs, and the time it carries: a live meeting
 * ahead (Scheduled/Rescheduled), a finished one behind, a canceled one either side, a pending
 * request (proposed times ahead, no start), an expired one (proposed times behind), or none.
 * Most bookings are in the past, as in an account with two years of history.
 */
type TimeKind = "live" | "past" | "any" | "request" | "expired" | "none";
const MIX: { type: "booking" | "package" | "transaction"; detailed: string; weight: number; time: TimeKind }[] = [
  { type: "booking", detailed: "Scheduled (By customer)", weight: 6, time: "live" },
  { type: "booking", detailed: "Scheduled (Approved by user)", weight: 1.5, time: "live" },
  { type: "booking", detailed: "Scheduled (Reassigned by user)", weight: 0.6, time: "live" },
  { type: "booking", detailed: "Rescheduled (By customer)", weight: 1.2, time: "live" },
  { type: "booking", detailed: "Rescheduled (Approved by user)", weight: 0.6, time: "live" },
  { type: "booking", detailed: "Rescheduled (Initiated by user)", weight: 0.6, time: "live" },
  { type: "booking", detailed: "Rescheduled (Reassigned by user)", weight: 0.3, time: "live" },
  { type: "booking", detailed: "Requested (By customer)", weight: 3, time: "request" },
  { type: "booking", detailed: "Requested (Initiated by user)", weight: 0.8, time: "request" },
  { type: "booking", detailed: "Canceled (By customer)", weight: 8, time: "any" },
  { type: "booking", detailed: "Canceled (By user)", weight: 4, time: "any" },
  { type: "booking", detailed: "Canceled (New times requested by user)", weight: 1, time: "expired" },
  { type: "booking", detailed: "Canceled (Reschedule requested by user)", weight: 2, time: "any" },
  { type: "booking", detailed: "Completed (Set by System)", weight: 52, time: "past" },
  { type: "booking", detailed: "No-show (Set by user)", weight: 3.4, time: "past" },
  { type: "booking", detailed: "Expired (Set by System)", weight: 5, time: "expired" },
  { type: "package", detailed: "Created", weight: 1.5, time: "none" },
  { type: "package", detailed: "Updated", weight: 1.5, time: "none" },
  { type: "package", detailed: "Completed", weight: 2, time: "none" },
  // Payments and refunds (issue 11): 23.75 of 118.75, so 20 % of the activities are transactions,
  // each with the seed's transaction type as its detailed status (domain/transactions.ts).
  { type: "transaction", detailed: "PAYMENT (SCHEDULE)", weight: 13, time: "none" },
  { type: "transaction", detailed: "PAYMENT (RESCHEDULE)", weight: 1.5, time: "none" },
  { type: "transaction", detailed: "PAYMENT PENDING (SCHEDULE)", weight: 0.75, time: "none" },
  { type: "transaction", detailed: "PAYMENT DENIED (SCHEDULE)", weight: 0.25, time: "none" },
  { type: "transaction", detailed: "AUTOMATIC REFUND (CANCELLATION)", weight: 4.5, time: "none" },
  { type: "transaction", detailed: "AUTOMATIC REFUND PENDING (CANCELLATION)", weight: 0.25, time: "none" },
  { type: "transaction", detailed: "MANUAL REFUND VIA BOOKSTREAM", weight: 2.5, time: "none" },
  { type: "transaction", detailed: "MANUAL REFUND VIA PAYPAL", weight: 0.75, time: "none" },
  { type: "transaction", detailed: "REFUND FAILED", weight: 0.25, time: "none" },
];

function statusOfMix(m: (typeof MIX)[number]): string {
  if (!hasStory(m.detailed, m.type)) throw new Error(`bulk seed: no history or payment record for ${m.detailed} (bulk-seed-records.ts)`);
  if (m.type === "package") return m.detailed;
  if (m.type === "transaction") {
    if (!isTransactionType(m.detailed)) throw new Error(`bulk seed: unknown transaction type ${m.detailed}`);
    return statusOfTransaction(m.detailed);
  }
  const s = DETAILED_STATUSES[m.detailed as keyof typeof DETAILED_STATUSES];
  if (!s || !BOOKING_STATUSES.includes(s)) throw new Error(`bulk seed: unknown detailed status ${m.detailed}`);
  return s;
}

/** The MIX as VALUES (bucket, type, status, detailed, time kind), bucket numbered from 1. */
function mixValues() {
  return sql.join(MIX.map((m, i) => sql`(${sql.lit(i + 1)}, ${sql.lit(m.type)}, ${sql.lit(statusOfMix(m))}, ${sql.lit(m.detailed)}, ${sql.lit(m.time)})`));
}

/** The MIX's cumulative lower bounds over [0, 1), for width_bucket(random(), bounds) → bucket. */
function mixBounds() {
  const total = MIX.reduce((s, m) => s + m.weight, 0);
  let acc = 0;
  const bounds = MIX.map((m) => {
    const lo = acc / total;
    acc += m.weight;
    return sql.lit(lo);
  });
  return sql`ARRAY[${sql.join(bounds)}]::float8[]`;
}

const textArray = (items: string[]) => sql`ARRAY[${sql.join(items.map((s) => sql.lit(s)))}]::text[]`;

export async function bulkSeed(handle: DatabaseHandle, opts: BulkSeedOptions): Promise<BulkSeedResult> {
  const total = Math.floor(opts.activities);
  if (!Number.isFinite(total) || total < 0) throw new Error("bulk seed: activities must be a non-negative number");
  const batch = Math.max(1, Math.floor(opts.batch ?? DEFAULT_BATCH));
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
  const rebuild = total >= REBUILD_INDEXES_FROM && total > existing;
  let inserted = 0;
  let records: SeededRecords = { history: 0, relations: 0, payments: 0, outboxEvents: 0 };
  // The batch statement joins generated rows to the account's customers, pages and users: with
  // statistics the planner hashes those joins instead of looping over them.
  await sql`ANALYZE customers, event_types, booking_pages, users`.execute(db);
  await db.transaction().execute(async (trx) => {
    // Sorts and CTEs of a 50k-row batch in memory; index builds with room to sort.
    await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
    // A GIN build (the search index) gathers its entries in maintenance_work_mem and merges far
    // less with more: at 15,000,000 rows and 256 MB it took 10 of the index phase's 23 minutes
    // (PostgreSQL 15 builds GIN on one core). The embedded database's WebAssembly heap cannot
    // spare a gigabyte.
    await sql.raw(`SET LOCAL maintenance_work_mem = '${handle.engine === "postgres" ? "1GB" : "256MB"}'`).execute(trx);
    // A generated INSERT … SELECT gains nothing from JIT compilation (seconds per statement).
    await sql`SET LOCAL jit = off`.execute(trx);
    const deferred = rebuild ? await deferIndexesAndForeignKeys(trx) : undefined;
    // A large load skips the report counts' trigger (two delta rows per booking) and counts once after.
    if (rebuild) await sql`ALTER TABLE activities DISABLE TRIGGER activities_report_counts`.execute(trx);
    await sql`CREATE TEMP TABLE bulk_seed_staging (LIKE activities INCLUDING DEFAULTS) ON COMMIT DROP`.execute(trx);
    await createLoadedTable(trx);
    lap("setup");
    for (let emptyRounds = 0; inserted < total; ) {
      // Generate what is missing into the staging table, then move it in creation order: the heap
      // then grows the way a live table does (rows arrive as they are created), which is what the
      // stream's index scans see in production. Generating in key order or at random would scatter
      // each page of the stream over the whole table.
      const missing = total - inserted;
      for (let generated = 0; generated < missing; ) {
        const n = Math.min(batch, missing - generated);
        await generateBatch(trx, accountId, n);
        generated += n;
        opts.onProgress?.(inserted + generated, total);
      }
      lap("generate");
      const r = await sql`
        WITH moved AS (
          INSERT INTO activities (${sql.raw(COLUMNS.join(", "))})
          SELECT ${sql.raw(COLUMNS.join(", "))} FROM bulk_seed_staging ORDER BY created_at, id
          ON CONFLICT DO NOTHING
          RETURNING ${sql.raw(LOADED_COLUMNS)})
        INSERT INTO bulk_seed_loaded (${sql.raw(LOADED_COLUMNS)}) SELECT ${sql.raw(LOADED_COLUMNS)} FROM moved`.execute(trx);
      await sql`TRUNCATE bulk_seed_staging`.execute(trx);
      lap("move");
      const got = Number(r.numAffectedRows ?? 0);
      inserted += got;
      // Collisions are rare; a round that adds nothing means the hosts' calendars are full.
      emptyRounds = got === 0 ? emptyRounds + 1 : 0;
      if (emptyRounds >= 3) throw new Error(`bulk seed: no room for more activities after ${inserted}`);
    }
    await deferred?.restore();
    lap("indexes");
    records = await seedRecords(trx, accountId, { timePartitions: handle.engine === "postgres" });
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
  return { accountId, inserted, seconds, rowsPerSecond: seconds > 0 ? Math.round(inserted / seconds) : inserted, records, phases };
}

/**
 * Drops the activities table's secondary indexes and foreign keys (PostgreSQL's advice for a bulk
 * load: one index build and one validating join instead of a million index inserts and key
 * look-ups), returning `restore`, which recreates each from its saved definition. Kept: the
 * primary key, the exclusion constraint and the unique indexes (one live booking per customer,
 * page and start), which the load's ON CONFLICT relies on, and triggers.
 */
async function deferIndexesAndForeignKeys(trx: Kysely<Database>): Promise<{ restore(): Promise<void> }> {
  const indexes = (
    await sql<{ name: string; def: string }>`
      SELECT i.indexname AS name, i.indexdef AS def
      FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = 'activities'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))
        AND i.indexdef NOT LIKE 'CREATE UNIQUE INDEX%'
      ORDER BY i.indexname`.execute(trx)
  ).rows;
  const foreignKeys = (
    await sql<{ name: string; def: string }>`
      SELECT conname AS name, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE conrelid = 'activities'::regclass AND contype = 'f'
      ORDER BY conname`.execute(trx)
  ).rows;
  for (const fk of foreignKeys) await sql`ALTER TABLE activities DROP CONSTRAINT ${sql.id(fk.name)}`.execute(trx);
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(trx);
  return {
    restore: async () => {
      for (const ix of indexes) await sql.raw(ix.def).execute(trx);
      for (const fk of foreignKeys) await sql`ALTER TABLE activities ADD CONSTRAINT ${sql.id(fk.name)} ${sql.raw(fk.def)}`.execute(trx);
    },
  };
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
    const userIds: string[] = [];
    for (const h of hosts) {
      const existing = await findUserByEmail(trx, h.email);
      if (existing && existing.account_id !== accountId) continue;
      const id = existing?.id ?? randomUUID();
      if (!existing) await insertUser(trx, { id, account_id: accountId, email: h.email, name: h.name, role: h.role, password_hash: null, time_zone: h.timeZone });
      userIds.push(id);
    }
    if (pages > 0) return;
    if (userIds.length === 0) throw new Error("bulk seed: the bench users' e-mails all belong to another account");
    const tag = accountId.slice(0, 6);
    for (const [i, p] of PAGES.entries()) {
      const pageId = randomUUID();
      const owner = p.owner % userIds.length;
      const slug = `${p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${tag}`;
      await insertBookingPage(trx, {
        id: pageId, account_id: accountId, slug, name: p.name, owner_id: userIds[owner], time_zone: hosts[owner].timeZone,
        duration_minutes: 30, mode: p.mode, location: i % 2 ? "Video call" : "Main office", open_hours: WEEKDAYS,
      });
      for (const name of p.eventTypes) await insertEventType(trx, { id: randomUUID(), account_id: accountId, booking_page_id: pageId, name, duration_minutes: 30 });
      // The member sees one more page than their own, as a viewer.
      if (i === 0 && userIds.length > 1) await insertPageMember(trx, { account_id: accountId, booking_page_id: pageId, user_id: userIds[1], role: "viewer" });
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

/** The activity columns the load writes (the rest keep their defaults or are generated). */
const COLUMNS = [
  "id", "account_id", "type", "status", "detailed_status", "booking_page_id", "event_type_id", "owner_id", "customer_id",
  "customer_name", "customer_email", "customer_phone", "customer_time_zone", "page_name", "event_type_name", "owner_name",
  "start_at", "end_at", "proposed_times", "latest_proposed_at", "reason", "answers", "created_at", "updated_at",
  "amount_minor", "currency", "refundable_minor", "created_by",
];

/**
 * Generates `n` activities into the staging table in one statement. Moving them into `activities`
 * (ON CONFLICT DO NOTHING) skips the rare row that hits a unique or exclusion constraint: an ID
 * collision, or a live booking overlapping its host's other live booking (migration 002's
 * no-double-booking rule); the caller tops up.
 *
 * Every random draw happens once per row in the MATERIALIZED `draw` CTE (a volatile expression
 * referenced twice would otherwise be evaluated twice). Meetings are 30 minutes on the half hour
 * between 07:00 and 21:00 UTC. Times are truncated to milliseconds, the stream cursor's precision.
 */
async function generateBatch(trx: Kysely<Database>, accountId: string, n: number): Promise<void> {
  await sql`
    INSERT INTO bulk_seed_staging (${sql.raw(COLUMNS.join(", "))})
    WITH
    mix (bucket, type, status, detailed, time_kind) AS (VALUES ${mixValues()}),
    cust AS MATERIALIZED (
      SELECT (row_number() OVER (ORDER BY id))::int - 1 AS n, id, name, email, phone, time_zone
      FROM customers WHERE account_id = ${accountId}),
    et AS MATERIALIZED (
      SELECT (row_number() OVER (ORDER BY e.id))::int - 1 AS n, e.id, e.name, p.id AS page_id, p.name AS page_name,
        p.owner_id, u.name AS owner_name
      FROM event_types e JOIN booking_pages p ON p.id = e.booking_page_id JOIN users u ON u.id = p.owner_id
      WHERE e.account_id = ${accountId}),
    host AS MATERIALIZED (
      SELECT (row_number() OVER (ORDER BY id))::int - 1 AS n, id, name FROM users WHERE account_id = ${accountId}),
    sizes AS MATERIALIZED (
      SELECT (SELECT count(*) FROM cust)::int AS customers, (SELECT count(*) FROM et)::int AS event_types, (SELECT count(*) FROM host)::int AS hosts),
    draw AS MATERIALIZED (
      SELECT g,
        width_bucket(random(), ${mixBounds()}) AS bucket, random() AS r_day, random() AS r_slot, random() AS r_created, random() AS r_updated, random() AS r_owner,
        random() AS r_amount,
        floor(random() * s.customers)::int AS cn, floor(random() * s.event_types)::int AS en, floor(random() * s.hosts)::int AS hn,
        translate(upper(encode(decode(md5(random()::text || g::text), 'hex'), 'base64')), '+/=', 'XYZ') AS code,
        date_trunc('milliseconds', now()) AS t_now
      FROM generate_series(1, ${n}::int) AS g CROSS JOIN sizes s),
    timed AS (
      SELECT d.*, m.type, m.status, m.detailed, m.time_kind,
        date_trunc('day', d.t_now, 'UTC') + interval '7 hours' + floor(d.r_slot * 28) * interval '30 minutes' + CASE m.time_kind
          WHEN 'live' THEN 1 + floor(d.r_day * 364)
          WHEN 'past' THEN -1 - floor(d.r_day * 364)
          WHEN 'any' THEN floor((2 * d.r_day - 1) * 365)
          WHEN 'request' THEN 2 + floor(d.r_day * 60)
          WHEN 'expired' THEN -2 - floor(d.r_day * 363)
          ELSE 0
        END * interval '1 day' AS meeting
      FROM draw d JOIN mix m ON m.bucket = d.bucket),
    shaped AS (
      SELECT t.*,
        -- Booked ahead of the meeting (mostly shortly ahead); packages and payments any time in two years.
        date_trunc('milliseconds', CASE WHEN t.time_kind = 'none' THEN t.t_now - t.r_created * interval '730 days'
          ELSE least(t.t_now, t.meeting) - (t.r_created ^ 2) * interval '365 days' END) AS created,
        -- A transaction's amount: 10.00 to 200.00 in steps of 5.00, in one of three currencies.
        CASE WHEN t.type = 'transaction' THEN (1000 + floor(t.r_amount * 39) * 500)::bigint END AS amount
      FROM timed t)
    SELECT
      CASE s.type WHEN 'booking' THEN 'BKNG-' || substr(s.code, 1, 12) WHEN 'package' THEN 'PKG-' || substr(s.code, 1, 10) ELSE 'TXN-' || substr(s.code, 1, 8) END,
      ${accountId}::uuid, s.type, s.status, s.detailed,
      et.page_id,
      CASE WHEN s.type = 'booking' THEN et.id END,
      -- Three in ten go to the page's owner, but not a live booking: the eight pages' few owners
      -- could not hold a large account's live meetings without overlaps.
      CASE WHEN s.type = 'transaction' THEN NULL WHEN s.r_owner < 0.3 AND s.time_kind <> 'live' THEN et.owner_id ELSE host.id END,
      cust.id, cust.name, cust.email, cust.phone, cust.time_zone, et.page_name,
      CASE WHEN s.type = 'booking' THEN et.name END,
      CASE WHEN s.type = 'transaction' THEN NULL WHEN s.r_owner < 0.3 AND s.time_kind <> 'live' THEN et.owner_name ELSE host.name END,
      CASE WHEN s.time_kind IN ('live', 'past', 'any') THEN s.meeting END,
      CASE WHEN s.time_kind IN ('live', 'past', 'any') THEN s.meeting + interval '30 minutes' END,
      CASE WHEN s.time_kind IN ('request', 'expired') THEN jsonb_build_array(
        to_char(s.meeting AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"'),
        to_char((s.meeting + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"')) END,
      CASE WHEN s.time_kind IN ('request', 'expired') THEN s.meeting + interval '1 day' END,
      CASE WHEN s.status = 'Canceled' THEN (${textArray(["Something came up", "Host unavailable", "Feeling unwell", "Double-booked", "Travel plans changed"])})[1 + s.g % 5] END,
      CASE WHEN s.type = 'booking' AND s.g % 4 = 0 THEN jsonb_build_object('What would you like to discuss?', 'Pricing and onboarding') END,
      s.created,
      -- Finished meetings change when they end (or a little later: no-show); expired requests
      -- after their last proposed time; the rest at some point since they were made.
      date_trunc('milliseconds', least(s.t_now, CASE s.time_kind
        WHEN 'past' THEN s.meeting + interval '30 minutes' + (s.r_updated ^ 3) * interval '2 days'
        WHEN 'expired' THEN s.meeting + interval '1 day' + s.r_updated * interval '1 hour'
        ELSE s.created + (s.t_now - s.created) * (s.r_updated ^ 3)
      END)),
      s.amount,
      CASE WHEN s.type = 'transaction' THEN (${textArray(["USD", "EUR", "GBP"])})[1 + s.g % 3] END,
      -- A settled payment can still be refunded (in full, or what a partial refund left); others not.
      CASE WHEN s.detailed IN ('PAYMENT (SCHEDULE)', 'PAYMENT (RESCHEDULE)') THEN CASE WHEN s.g % 5 = 0 THEN s.amount / 2 ELSE s.amount END
        WHEN s.type = 'transaction' AND s.detailed LIKE 'PAYMENT%' THEN 0 END,
      -- Who made it: a user for what users start, one booking in seven booked on a customer's behalf.
      CASE WHEN s.detailed LIKE '%(Initiated by user)' OR (s.type = 'booking' AND s.g % 7 = 0) THEN 'user' ELSE 'customer' END
    FROM shaped s
      JOIN cust ON cust.n = s.cn
      JOIN et ON et.n = s.en
      JOIN host ON host.n = s.hn`.execute(trx);
}
