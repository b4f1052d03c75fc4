import { createPrivateKey, createSign, createVerify, X509Certificate } from "node:crypto";
import fs from "node:fs";
import { crc32 } from "node:zlib";

/**
 * PayPal's webhook signature: SHA256withRSA over
 * `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned decimal>`,
 * base64 in PAYPAL-TRANSMISSION-SIG, checked against the X.509 certificate at PAYPAL-CERT-URL.
 *
 * The key pair in fixtures/ is the SIMULATOR's own, generated once with openssl for this peer
 * (valid 2000-01-01 to 2100-01-01 so it works on any test date). It is not PayPal's and signs
 * nothing outside tests and the demo; committing it is deliberate.
 */

const FIXTURES = new URL("./fixtures/", import.meta.url);

export const AUTH_ALGO = "SHA256withRSA";

/** The name in the cert URL: PayPal's look like CERT-360caa42-fca2a594-1d93a270. */
export const CERT_NAME = "CERT-360caa42-fca2a594-5eb1a7e4";

export class WebhookSigner {
  readonly certPem: string;
  private readonly privateKey: ReturnType<typeof createPrivateKey>;

  constructor() {
    this.certPem = fs.readFileSync(new URL("simulator-cert.pem", FIXTURES), "utf8");
    this.privateKey = createPrivateKey(fs.readFileSync(new URL("simulator-key.pem", FIXTURES), "utf8"));
  }

  sign(transmissionId: string, transmissionTime: string, webhookId: string, rawBody: string): string {
    return createSign("sha256").update(signedString(transmissionId, transmissionTime, webhookId, rawBody)).sign(this.privateKey, "base64");
  }

  verify(transmissionId: string, transmissionTime: string, webhookId: string, rawBody: string, signature: string): boolean {
    return verifyWithCertificate(this.certPem, transmissionId, transmissionTime, webhookId, rawBody, signature);
  }
}

export function signedString(transmissionId: string, transmissionTime: string, webhookId: string, rawBody: string): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(Buffer.from(rawBody, "utf8")) >>> 0}`;
}

/** What a receiver does with the certificate it fetched from PAYPAL-CERT-URL. */
export function verifyWithCertificate(certPem: string, transmissionId: string, transmissionTime: string, webhookId: string, rawBody: string, signature: string): boolean {
  const cert = new X509Certificate(certPem);
  return createVerify("sha256").update(signedString(transmissionId, transmissionTime, webhookId, rawBody)).verify(cert.publicKey, signature, "base64");
}
