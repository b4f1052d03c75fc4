/** The PayPal integration's public surface (see README.md in this folder). */
export { PAYPAL_API_BASE_URLS, PayPalAccountConfigSchema, certificateOrigins, type PayPalAccountConfig, type PayPalMode } from "./account-config.js";
export {
  createPayPalClient, type CallOptions, type CapturedOrder, type CreatedOrder, type CreateOrderInput, type PayPalClient, type PayPalClientOptions, type RefundInput,
} from "./client.js";
export { PayPalError, type PayPalIssue, type PayPalLink } from "./errors.js";
export {
  captureFromEvent, readWebhookEvent, refundFromEvent, CAPTURE_STATUSES, ORDER_STATUSES, REFUND_STATUSES,
  type CaptureStatus, type OrderStatus, type PayPalCapture, type PayPalOrder, type PayPalPayer, type PayPalRefund, type PayPalWebhookEvent,
  type RefundStatus, type WebhookSubscription,
} from "./resources.js";
export { CertificateCache, sharedCertificateCache, type WebhookDelivery, type WebhookRejection, type WebhookVerification } from "./webhook-verification.js";
