import type { ColumnType, Generated } from "kysely";

/** Kysely's view of the tables created by migrations/*.sql. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AccountsTable {
  id: string; name: string; created_at: DefaultedTimestamp;
  // The account on its customer pages (migration 007).
  logo: Buffer | null; logo_type: LogoType | null; logo_updated_at: Timestamp | null; brand_color: string | null;
  default_time_zone: Generated<string>;
  invoice_address: string | null; tax_id: string | null; tax_name: string | null; tax_rate_bp: number | null;
  /** Origins that may frame the account's public booking pages (migration 005). */
  embed_origins: Generated<string[]>;
  /** The sender of the account's e-mails (migration 012); null: the account's name, no-reply. */
  email_sender_name: ColumnType<string | null, string | null | undefined, string | null>;
  email_sender_address: ColumnType<string | null, string | null | undefined, string | null>;
}
export type LogoType = "image/png" | "image/jpeg" | "image/webp" | "image/gif";
export interface UsersTable {
  id: string; account_id: string; email: string; name: string; role: "admin" | "member";
  password_hash: string | null; time_zone: Generated<string>; created_at: DefaultedTimestamp;
  deactivated_at: Timestamp | null;
}
/** Invitations and admin password resets: one-time links stored hashed (migration 007). */
export interface UserLinksTable {
  id: string; token_hash: string; account_id: string; kind: "invitation" | "password_reset"; email: string;
  role: "admin" | "member" | null; user_id: string | null; created_by: string | null;
  created_at: Timestamp; expires_at: Timestamp; used_at: Timestamp | null; revoked_at: Timestamp | null;
}
export interface SessionsTable { token_hash: string; account_id: string; user_id: string; created_at: DefaultedTimestamp; expires_at: Timestamp }
export interface ApiTokensTable {
  id: string; account_id: string; user_id: string; name: string; token_hash: string;
  created_at: DefaultedTimestamp; last_used_at: Timestamp | null; expires_at: Timestamp | null;
}
export interface DemoAccountsTable {
  account_id: string; state: "seeding" | "ready"; api_token: string | null; seeded_for: Timestamp; ready_at: Timestamp | null;
  payments_seeded_at: Timestamp | null;
}
export interface IdempotencyKeysTable {
  scope: string; key_hash: string; request_hash: string; status_code: number | null; response: Buffer | null;
  created_at: Timestamp; expires_at: Timestamp;
}
export interface SignInFailuresTable { key: string; window_start: Timestamp; failures: number }
/** Names unique across accounts and the account holding each (migration 025, kept by triggers). */
export interface GlobalNamesTable { kind: "user_email" | "booking_page_slug" | "master_page_slug"; name: string; account_id: string }
/**
 * `true` when the column list `Listed` names every one of `Columns`; otherwise the missing ones, so
 * `const x: ListsEvery<…> = true` stops compiling when a migration adds a column the list lacks.
 */
export type ListsEvery<Columns, Listed> = [Exclude<Columns, Listed>] extends [never] ? true : { missing: Exclude<Columns, Listed> };

export type OpenHours = Partial<Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", [string, string][]>>;
export interface BookingPagesTable {
  id: string; account_id: string; slug: string; name: string; owner_id: string; time_zone: string;
  duration_minutes: number; mode: "automatic" | "approval"; location: string | null;
  open_hours: Json<OpenHours>; created_at: DefaultedTimestamp; updated_at: DefaultedTimestamp;
  // Scheduling settings (migration 002).
  min_notice_minutes: Generated<number>; max_days_ahead: number | null;
  buffer_before_minutes: Generated<number>; buffer_after_minutes: Generated<number>; slot_interval_minutes: number | null;
  proposals_required: Generated<number>; holds_requested_slots: Generated<boolean>; policy_minutes: number | null;
  packages_enabled: Generated<boolean>; max_package_sessions: Generated<number>;
  questions: ColumnType<PageQuestion[], string | undefined, string>; video_link: string | null;
  /** Deleted pages stay for their past activities (migration 007). */
  deleted_at: Timestamp | null;
  // Payments (migration 009).
  currency: string | null; price_minor: number | null; package_session_price_minor: number | null;
  reschedule_fee_minor: number | null; refund_policy: Generated<"none" | "automatic">;
}
export interface PageQuestion { id: string; label: string; required: boolean }
export interface BookingPageMembersTable { account_id: string; booking_page_id: string; user_id: string; role: "editor" | "viewer" }
export interface EventTypesTable {
  id: string; account_id: string; booking_page_id: string; name: string; duration_minutes: number; created_at: DefaultedTimestamp;
  deleted_at: Timestamp | null;
  price_minor: number | null;
}
export interface CustomersTable {
  id: string; account_id: string; name: string; email: string; phone: string | null; time_zone: string | null; created_at: DefaultedTimestamp;
}
export interface RescheduleRequest { eventType: "same" | "any"; reason: string }
export interface ActivitiesTable {
  id: string; account_id: string; type: "booking" | "package" | "transaction";
  status: string; detailed_status: string;
  booking_page_id: string | null; event_type_id: string | null; owner_id: string | null; customer_id: string | null;
  customer_name: string | null; customer_email: string | null; customer_phone: string | null; customer_time_zone: string | null;
  page_name: string | null; event_type_name: string | null; owner_name: string | null;
  start_at: Timestamp | null; end_at: Timestamp | null;
  proposed_times: Json<string[] | null> | null; latest_proposed_at: Timestamp | null;
  reschedules_id: string | null; reschedule_request: Json<RescheduleRequest | null> | null;
  reason: string | null; answers: Json<Record<string, string> | null> | null;
  version: Generated<number>; created_at: Timestamp; updated_at: Timestamp;
  /** A package's sessions held or to come, and their first and last start (migration 006; null on other types). */
  session_count: ColumnType<number | null, number | null | undefined, number | null>;
  sessions_first_start: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sessions_last_start: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** A transaction's amount (minor units) and currency; a payment's rest to refund (migration 009). */
  amount_minor: ColumnType<number | null, number | null | undefined, number | null>;
  currency: ColumnType<string | null, string | null | undefined, string | null>;
  refundable_minor: ColumnType<number | null, number | null | undefined, number | null>;
  /** In the Trash since, moved by (migration 019); a booking or package whose payment was deleted permanently. */
  trashed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  trashed_by: ColumnType<string | null, string | null | undefined, string | null>;
  payment_purged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Who made it: the customer, a user on their behalf, or the system (migration 020). */
  created_by: ColumnType<"customer" | "user" | "system" | null, "customer" | "user" | "system" | null | undefined, never>;
  search: ColumnType<string, never, never>;
  /** The meeting widened by its page's buffers; kept by a trigger (migration 002). */
  blocked: ColumnType<string | null, never, never>;
}
export interface ActivityHistoryTable {
  id: Generated<string>; account_id: string; activity_id: string; at: Timestamp;
  actor_type: "customer" | "user" | "system"; actor_id: string | null; actor_name: string | null; action: string;
  from_status: string | null; from_detailed_status: string | null; to_status: string; to_detailed_status: string;
  reason: string | null; data: ColumnType<Record<string, unknown>, string | undefined, never>;
}
export type RelationKind = "rescheduled_as" | "resubmitted_as" | "package_session" | "payment" | "refund";
export interface ActivityRelationsTable { account_id: string; from_id: string; to_id: string; kind: RelationKind; created_at: DefaultedTimestamp }
export interface ManageTokensTable { token_hash: string; account_id: string; activity_id: string; created_at: DefaultedTimestamp }
export interface OutboxConsumersTable { name: string; created_at: DefaultedTimestamp }
export interface OutboxEventsTable {
  id: Generated<string>; account_id: string; activity_id: string | null; type: string;
  payload: ColumnType<Record<string, unknown>, string, never>; created_at: DefaultedTimestamp;
}
export interface OutboxDeliveriesTable {
  consumer: string; event_id: string; account_id: string; activity_id: string | null;
  status: Generated<"pending" | "delivered" | "failed">; attempts: Generated<number>;
  next_attempt_at: DefaultedTimestamp; last_error: string | null; delivered_at: Timestamp | null;
  lease_token: string | null; last_attempt_at: Timestamp | null;
  /** Its event's created_at: the partition key (migration 026). */
  event_at: Timestamp;
}
export interface SavedFiltersTable {
  id: string; account_id: string; user_id: string; name: string;
  query: Json<Record<string, unknown>>; created_at: DefaultedTimestamp; updated_at: DefaultedTimestamp;
}

export interface BookingPageHostsTable { account_id: string; booking_page_id: string; user_id: string; position: number }
export interface UserWeeklyHoursTable { user_id: string; account_id: string; hours: Json<OpenHours>; updated_at: DefaultedTimestamp }
export interface UserDateOverridesTable { account_id: string; user_id: string; day: ColumnType<string, string, string>; ranges: Json<[string, string][]> }
export interface MasterPagesTable {
  id: string; account_id: string; slug: string; name: string; routing: "round_robin" | "customer_choice";
  created_at: DefaultedTimestamp; updated_at: DefaultedTimestamp;
}
export interface MasterPageTargetsTable { id: string; account_id: string; master_page_id: string; booking_page_id: string; user_id: string | null; position: number }
export interface BookingHoldsTable {
  id: Generated<string>; account_id: string; activity_id: string | null; checkout_id: string | null; holder: string; owner_id: string; blocked: string;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  booking_pages: BookingPagesTable;
  booking_page_members: BookingPageMembersTable;
  event_types: EventTypesTable;
  customers: CustomersTable;
  activities: ActivitiesTable;
  activity_history: ActivityHistoryTable;
  activity_relations: ActivityRelationsTable;
  manage_tokens: ManageTokensTable;
  outbox_consumers: OutboxConsumersTable;
  outbox_events: OutboxEventsTable;
  outbox_deliveries: OutboxDeliveriesTable;
  saved_filters: SavedFiltersTable;
  booking_page_hosts: BookingPageHostsTable;
  user_weekly_hours: UserWeeklyHoursTable;
  user_date_overrides: UserDateOverridesTable;
  master_pages: MasterPagesTable;
  master_page_targets: MasterPageTargetsTable;
  booking_holds: BookingHoldsTable;
  demo_accounts: DemoAccountsTable;
  payment_connections: PaymentConnectionsTable;
  checkouts: CheckoutsTable;
  payment_records: PaymentRecordsTable;
  paypal_webhook_events: PaypalWebhookEventsTable;
  invoice_details: InvoiceDetailsTable;
  idempotency_keys: IdempotencyKeysTable;
  sign_in_failures: SignInFailuresTable;
  global_names: GlobalNamesTable;
  user_links: UserLinksTable;
  notification_settings: NotificationSettingsTable;
  email_templates: EmailTemplatesTable;
  scheduled_notifications: ScheduledNotificationsTable;
  sent_emails: SentEmailsTable;
  salesforce_connections: SalesforceConnectionsTable;
  salesforce_oauth_states: SalesforceOauthStatesTable;
  salesforce_user_matches: SalesforceUserMatchesTable;
  salesforce_page_settings: SalesforcePageSettingsTable;
  salesforce_people: SalesforcePeopleTable;
  salesforce_events: SalesforceEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  calendar_connections: CalendarConnectionsTable;
  calendar_busy: CalendarBusyTable;
  calendar_event_copies: CalendarEventCopiesTable;
  calendar_feeds: CalendarFeedsTable;
  revenue_ledger: RevenueLedgerTable;
  purge_reports: PurgeReportsTable;
}

/** The Salesforce connector (migration 017). */
export type SalesforceNoMatch = "lead" | "contact" | "skip";
export interface SalesforceConnectionsTable {
  account_id: string; login_url: string; client_id: string; client_secret_sealed: string;
  instance_url: string | null; access_token_sealed: string | null; refresh_token_sealed: string | null;
  sf_user_id: string | null; sf_username: string | null; sf_org_id: string | null; api_version: Generated<string>;
  status_field: Generated<string>; reason_field: Generated<string>; missing_fields: string[] | null;
  no_match: Generated<SalesforceNoMatch>; connected_by: string | null; connected_at: Timestamp | null; updated_at: Timestamp;
}
export interface SalesforceOauthStatesTable { state_hash: string; account_id: string; user_id: string; expires_at: Timestamp }
export interface SalesforceUserMatchesTable { account_id: string; user_id: string; sf_user_id: string | null; manual: Generated<boolean> }
export interface SalesforcePageSettingsTable { account_id: string; booking_page_id: string; create_events: boolean }
export interface SalesforcePeopleTable { account_id: string; email: string; who_id: string }
export interface SalesforceEventsTable {
  account_id: string; activity_id: string; sf_event_id: string | null; who_id: string | null; what_id: string | null;
  state: Generated<string>; note: string | null; create_started_at: Timestamp | null; synced_at: Timestamp | null;
}

// E-mail notifications (migration 012).
export interface NotificationSettingsTable {
  account_id: string; booking_page_id: string; disabled_kinds: string[]; reminder_hours: number; follow_up_hours: number; updated_at: Timestamp;
}
export interface EmailTemplatesTable {
  account_id: string; booking_page_id: string; kind: string; audience: "customer" | "host";
  subject: string; body_text: string; body_html: string | null; updated_at: Timestamp;
}
export interface ScheduledNotificationsTable {
  account_id: string; activity_id: string; kind: "reminder" | "follow-up"; for_start: Timestamp; due_at: Timestamp;
  decided_at: Timestamp; outcome: "sent" | "skipped"; note: string | null;
}
export interface SentEmailAttachment { filename: string; contentType: string; size: number; content?: string }
export interface SentEmailsTable {
  id: Generated<string>; message_id: string; account_id: string; activity_id: string | null; event_id: string | null;
  kind: string; audience: string; transport: "smtp" | "local"; sender: string; recipient: string; subject: string;
  body_text: string; body_html: string; headers: Json<Record<string, string>>; attachments: Json<SentEmailAttachment[]>; sent_at: Timestamp;
}

/** The business and tax on a transaction's invoice, as they were when it was made (migration 010). */
export interface InvoiceDetailsTable {
  activity_id: string; account_id: string; seller_name: string; seller_address: string | null; seller_tax_id: string | null;
  tax_name: string | null; tax_rate_bp: number | null; time_zone: string; recorded_at: Timestamp;
}
export interface PaymentConnectionsTable {
  account_id: string; provider: "paypal"; mode: "sandbox" | "live"; base_url: string; client_id: string; client_secret_sealed: string;
  webhook_id: string | null; webhook_key: string; connected_by: string | null; connected_at: Timestamp; updated_at: Timestamp;
}
export interface CheckoutCustomer { name: string; email: string; phone: string | null; timeZone: string | null }
export interface CheckoutsTable {
  id: string; account_id: string; booking_page_id: string; purpose: "booking" | "package" | "reschedule"; host_id: string;
  event_type_id: string | null; starts: Json<string[]>; duration_minutes: number; customer: Json<CheckoutCustomer>;
  answers: Json<Record<string, string> | null> | null; moves_activity_id: string | null; amount_minor: number; currency: string;
  paypal_order_id: string | null; state: "open" | "completed" | "declined" | "expired" | "abandoned"; expires_at: Timestamp;
  created_at: Timestamp; finished_at: Timestamp | null; result_activity_id: string | null; payment_activity_id: string | null;
}
export interface Payer { email: string | null; name: string | null; payerId: string | null }
export type PaymentRecordState = "submitting" | "pending" | "completed" | "denied" | "failed";
export interface PaymentRecordsTable {
  activity_id: string; account_id: string; kind: "payment" | "refund"; purpose: "schedule" | "reschedule" | "cancellation" | "bookstream" | "paypal";
  for_activity_id: string | null; payment_activity_id: string | null; booking_page_id: string | null;
  amount_minor: number; currency: string; refunded_minor: Generated<number>;
  paypal_order_id: string | null; paypal_capture_id: string | null; paypal_refund_id: string | null; request_id: string;
  payer: Json<Payer | null> | null; reason: string | null; state: PaymentRecordState; created_at: Timestamp; updated_at: Timestamp;
}
export interface PaypalWebhookEventsTable {
  account_id: string; event_id: string; event_type: string; resource_id: string | null; capture_id: string | null;
  payload: Json<Record<string, unknown>>; received_at: Timestamp; processed_at: Timestamp | null; outcome: string | null;
}

export interface WebhookEndpointsTable {
  id: string; account_id: string; url: string; description: Generated<string>; event_types: string[]; secret_sealed: string;
  enabled: Generated<boolean>; disabled_reason: string | null; failure_streak: Generated<number>; failing_since: Timestamp | null;
  created_at: Timestamp; updated_at: Timestamp;
}
export interface WebhookDeliveriesTable {
  endpoint_id: string; event_id: string; account_id: string; activity_id: string | null;
  status: Generated<"pending" | "delivered" | "failed">; attempts: Generated<number>; next_attempt_at: Timestamp;
  lease_token: string | null; last_attempt_at: Timestamp | null; last_status: number | null; last_error: string | null;
  delivered_at: Timestamp | null; created_at: Timestamp;
  /** Its event's created_at: the partition key (migration 026). */
  event_at: Timestamp;
}
// Connected calendars (migration 013).
export interface CalendarConnectionsTable {
  user_id: string; account_id: string; provider: ColumnType<"caldav", "caldav" | undefined, "caldav">;
  server_url: string; username: string; password_sealed: string; calendar_url: string; calendar_name: string | null;
  connected_at: Timestamp; updated_at: Timestamp; busy_fetched_at: Timestamp | null; busy_error: string | null;
}
export interface CalendarBusyTable { id: Generated<string>; account_id: string; owner_id: string; blocked: string }
export interface CalendarEventCopiesTable { account_id: string; activity_id: string; user_id: string; object_url: string; written_at: Timestamp }
export interface CalendarFeedsTable { user_id: string; account_id: string; token_hash: string; created_at: Timestamp }

// Trash and privacy (migration 019).
export interface RevenueLedgerTable {
  id: Generated<string>; account_id: string; booking_page_id: string | null; kind: "payment" | "refund";
  amount_minor: number; currency: string; occurred_at: Timestamp; purged_at: Timestamp;
}
export type PurgeTrigger = "delete-permanently" | "empty-trash" | "scheduled";
export interface PurgeReportsTable {
  id: string; account_id: string; trigger: PurgeTrigger; actor_id: string | null; ran_at: Timestamp;
  counts: Json<Record<string, number>>; vacuumed_at: Timestamp | null;
}
