import { DomainError, unprocessable } from "../../domain/errors.js";
import type { AppContext } from "../context.js";
import { PaymentProviderError, type PaymentGateway } from "./gateway.js";

/** The account's PayPal, or a clear 422 when the account has not connected one. */
export async function gatewayFor(ctx: AppContext, accountId: string): Promise<PaymentGateway> {
  const gateway = await ctx.payments?.forAccount(accountId);
  if (!gateway) throw unprocessable("This account takes no payments: an admin connects PayPal in the account's settings first.", { reason: "payments_not_connected" });
  return gateway;
}

/**
 * A call to PayPal, with its failures in Bookstream's words: PayPal not answering (or answering
 * 5xx/429) is 503 `provider_unavailable` — retrying is safe, every money-moving call carries its
 * request id — and a refusal is 422 with PayPal's issue named.
 */
export async function providerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof PaymentProviderError)) throw err;
    if (err.retryable) {
      throw new DomainError("provider_unavailable", "PayPal did not answer in time; nothing was charged twice. Try again in a moment.", { retryAfterSeconds: 5, provider: "paypal" });
    }
    throw new DomainError("unprocessable", `PayPal refused: ${err.message}`, { provider: "paypal", issue: err.issue });
  }
}
