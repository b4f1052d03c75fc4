import type { Db, Tx } from "./database.js";
import type { LogoType } from "./schema.js";
import { definedOnly } from "./team-repo.js";

/** The account's own settings: name, look on the customer pages, default time zone. */
type Conn = Db | Tx;

export async function findAccountSettings(conn: Conn, accountId: string) {
  return conn
    .selectFrom("accounts")
    .select(["id", "name", "brand_color", "default_time_zone", "logo_type", "logo_updated_at", "embed_origins", "invoice_address", "tax_id", "tax_name", "tax_rate_bp"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}

export async function updateAccountSettings(
  tx: Tx,
  accountId: string,
  changes: {
    name?: string; brand_color?: string | null; default_time_zone?: string;
    invoice_address?: string | null; tax_id?: string | null; tax_name?: string | null; tax_rate_bp?: number | null;
  },
): Promise<void> {
  const set = definedOnly(changes);
  if (Object.keys(set).length === 0) return;
  await tx.updateTable("accounts").set(set).where("id", "=", accountId).execute();
}

export async function setAccountLogo(tx: Tx, accountId: string, logo: { data: Buffer; type: LogoType } | null, at: Date): Promise<void> {
  await tx
    .updateTable("accounts")
    .set(logo ? { logo: logo.data, logo_type: logo.type, logo_updated_at: at } : { logo: null, logo_type: null, logo_updated_at: at })
    .where("id", "=", accountId)
    .execute();
}

export async function findAccountLogo(conn: Conn, accountId: string) {
  return conn.selectFrom("accounts").select(["logo", "logo_type", "logo_updated_at"]).where("id", "=", accountId).where("logo", "is not", null).executeTakeFirst();
}
