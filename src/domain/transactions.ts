/**
 * Payment transactions, as data. Source: the Activity stream's "Payment transaction types and
 * statuses" table (shared/seeds), with Bookstream for the platform's name. A transaction's
 * detailed status is its transaction type; its status is what the table pairs with it. Pure: no I/O.
 *
 * Additions to the seed's seven rows, for states PayPal has and the seed does not name: a pending
 * reschedule fee, a capture PayPal denies after it was pending, a refund made from Bookstream that
 * PayPal holds as pending, and a refund PayPal refuses or cancels.
 */

export const TRANSACTION_STATUSES = ["Paid", "Pending", "Refunded", "Refund pending", "Denied", "Refund failed"] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export const TRANSACTION_TYPES = {
  "PAYMENT (SCHEDULE)": "Paid",
  "PAYMENT (RESCHEDULE)": "Paid",
  "PAYMENT PENDING (SCHEDULE)": "Pending",
  "AUTOMATIC REFUND (CANCELLATION)": "Refunded",
  "AUTOMATIC REFUND PENDING (CANCELLATION)": "Refund pending",
  "MANUAL REFUND VIA BOOKSTREAM": "Refunded",
  "MANUAL REFUND VIA PAYPAL": "Refunded",
  // Additions (README, "Payments").
  "PAYMENT PENDING (RESCHEDULE)": "Pending",
  "PAYMENT DENIED (SCHEDULE)": "Denied",
  "PAYMENT DENIED (RESCHEDULE)": "Denied",
  "MANUAL REFUND PENDING VIA BOOKSTREAM": "Refund pending",
  "REFUND FAILED": "Refund failed",
} as const satisfies Record<string, TransactionStatus>;
export type TransactionType = keyof typeof TRANSACTION_TYPES;
export const TRANSACTION_TYPE_LIST = Object.keys(TRANSACTION_TYPES) as TransactionType[];

export function isTransactionType(s: string): s is TransactionType {
  return Object.prototype.hasOwnProperty.call(TRANSACTION_TYPES, s);
}

/** What a transaction pays for, or why it refunds. */
export type PaymentPurpose = "schedule" | "reschedule";
export type RefundOrigin = "cancellation" | "bookstream" | "paypal";

/** The user actions on a transaction (API names). */
export const TRANSACTION_ACTIONS = ["refund", "download-invoice"] as const;
export type TransactionAction = (typeof TRANSACTION_ACTIONS)[number];

/** The seed's menu items for transactions and the actions each stands for. */
export const TRANSACTION_MENU = {
  "Process a refund": ["refund"],
  "Download invoice": ["download-invoice"],
} as const satisfies Record<string, readonly TransactionAction[]>;

const PAID = ["refund", "download-invoice"] as const;
const INVOICE = ["download-invoice"] as const;
const NONE = [] as const;

/**
 * The table's menu: the actions allowed for each transaction type. `refund` is further allowed
 * only while something is left to refund (allowedTransactionActions).
 */
export const ALLOWED_TRANSACTION_ACTIONS: Record<TransactionType, readonly TransactionAction[]> = {
  "PAYMENT (SCHEDULE)": PAID,
  "PAYMENT (RESCHEDULE)": PAID,
  "PAYMENT PENDING (SCHEDULE)": INVOICE,
  "AUTOMATIC REFUND (CANCELLATION)": INVOICE,
  "AUTOMATIC REFUND PENDING (CANCELLATION)": INVOICE,
  "MANUAL REFUND VIA BOOKSTREAM": INVOICE,
  "MANUAL REFUND VIA PAYPAL": NONE,
  "PAYMENT PENDING (RESCHEDULE)": INVOICE,
  "PAYMENT DENIED (SCHEDULE)": NONE,
  "PAYMENT DENIED (RESCHEDULE)": NONE,
  "MANUAL REFUND PENDING VIA BOOKSTREAM": INVOICE,
  "REFUND FAILED": NONE,
};

export function allowedTransactionActions(type: string, refundableMinor: number): TransactionAction[] {
  if (!isTransactionType(type)) return [];
  return ALLOWED_TRANSACTION_ACTIONS[type].filter((a) => a !== "refund" || refundableMinor > 0);
}

/** The type a payment has when PayPal reports its capture as `capture` (COMPLETED, PENDING or DECLINED/DENIED). */
export function paymentType(purpose: PaymentPurpose, capture: "completed" | "pending" | "denied"): TransactionType {
  const p = purpose === "schedule" ? "SCHEDULE" : "RESCHEDULE";
  if (capture === "completed") return `PAYMENT (${p})`;
  if (capture === "pending") return `PAYMENT PENDING (${p})`;
  return `PAYMENT DENIED (${p})`;
}

/** The type a refund has for where it came from and what PayPal says of it. */
export function refundType(origin: RefundOrigin, state: "completed" | "pending" | "failed"): TransactionType {
  if (state === "failed") return "REFUND FAILED";
  if (origin === "paypal") return "MANUAL REFUND VIA PAYPAL";
  if (origin === "cancellation") return state === "completed" ? "AUTOMATIC REFUND (CANCELLATION)" : "AUTOMATIC REFUND PENDING (CANCELLATION)";
  return state === "completed" ? "MANUAL REFUND VIA BOOKSTREAM" : "MANUAL REFUND PENDING VIA BOOKSTREAM";
}

export const statusOfTransaction = (t: TransactionType): TransactionStatus => TRANSACTION_TYPES[t];
