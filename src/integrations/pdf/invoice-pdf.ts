import PDFDocument from "pdfkit";
import { formatAmount, formatRate, type InvoiceModel } from "../../domain/invoice.js";

/**
 * Lays an invoice or credit note (domain/invoice.ts) out as a PDF with pdfkit. Nothing here
 * decides an amount: every figure is the model's, formatted. The document's metadata (Title,
 * Subject, Keywords) names the document number, the Transaction ID and the Booking or Package ID,
 * so a mail client or an accountant's tool can file it without reading the page.
 *
 * The PDF uses the standard Helvetica fonts (nothing to ship or load). They print Western European
 * text (Windows-1252); other characters (a Polish Ł, Chinese names) are written without their
 * accents where that is possible and as "?" otherwise, rather than as wrong glyphs.
 */
export async function renderInvoicePdf(inv: InvoiceModel): Promise<Buffer> {
  const subjectName = inv.subject.kind === "booking" ? "Booking ID" : "Package ID";
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    info: {
      Title: `${inv.title} ${inv.number}`,
      Author: printable(inv.seller.name),
      Subject: `${inv.title} ${inv.number} for transaction ${inv.transactionId}, ${subjectName.toLowerCase()} ${inv.subject.id}`,
      Keywords: [inv.number, inv.transactionId, inv.subject.id, ...(inv.refersTo ? [inv.refersTo.invoiceNumber, inv.refersTo.transactionId] : [])].join(" "),
      Creator: "Bookstream",
      // The transaction's day, not the download's: the same invoice is the same document.
      CreationDate: new Date(`${inv.date}T00:00:00.000Z`),
    },
  });
  const done = collect(doc);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const t = (s: string) => printable(s);

  // Header: the business, then the document's title and number.
  doc.font("Helvetica-Bold").fontSize(16).text(t(inv.seller.name || "—"));
  doc.font("Helvetica").fontSize(10);
  if (inv.seller.address) doc.text(t(inv.seller.address));
  if (inv.seller.taxId) doc.text(`Tax ID: ${t(inv.seller.taxId)}`);
  doc.moveDown(1.2);
  doc.font("Helvetica-Bold").fontSize(20).text(inv.title.toUpperCase());
  doc.font("Helvetica").fontSize(10);
  const facts: [string, string][] = [
    [inv.kind === "invoice" ? "Invoice number" : "Credit note number", inv.number],
    ["Date", `${inv.date} (${inv.timeZone})`],
    ["Transaction ID", inv.transactionId],
    [subjectName, inv.subject.id],
    ["Status", inv.status],
  ];
  if (inv.refersTo) {
    facts.push(["Refers to invoice", inv.refersTo.invoiceNumber], ["Original Transaction ID", inv.refersTo.transactionId]);
  }
  for (const [k, v] of facts) doc.text(`${k}: ${t(v)}`);
  doc.moveDown();

  doc.font("Helvetica-Bold").text(inv.kind === "invoice" ? "Billed to" : "Credited to");
  doc.font("Helvetica");
  doc.text(t(inv.customer.name ?? "—"));
  if (inv.customer.email) doc.text(t(inv.customer.email));
  if (inv.payer && (inv.payer.email || inv.payer.name) && inv.payer.email !== inv.customer.email) {
    doc.text(`Paid through PayPal by ${t([inv.payer.name, inv.payer.email].filter(Boolean).join(", "))}`);
  }
  doc.moveDown();

  // Line items: description | qty | unit | amount.
  const cols = { desc: left, qty: left + width * 0.56, unit: left + width * 0.64, amount: left + width * 0.82 };
  const row = (cells: [string, string, string, string], bold = false) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica");
    const y = doc.y;
    doc.text(cells[0], cols.desc, y, { width: width * 0.54 });
    const end = doc.y;
    doc.text(cells[1], cols.qty, y, { width: width * 0.07, align: "right" });
    doc.text(cells[2], cols.unit, y, { width: width * 0.17, align: "right" });
    doc.text(cells[3], cols.amount, y, { width: width * 0.18, align: "right" });
    doc.x = left;
    doc.y = Math.max(end, doc.y) + 4;
  };
  row(["Description", "Qty", "Unit price", "Amount"], true);
  doc.moveTo(left, doc.y).lineTo(left + width, doc.y).stroke();
  doc.y += 4;
  for (const l of inv.lines) row([t(l.description), String(l.quantity), formatAmount(l.unit), formatAmount(l.amount)]);
  doc.moveTo(left, doc.y).lineTo(left + width, doc.y).stroke();
  doc.y += 6;

  const sum = (label: string, value: string, bold = false) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica");
    const y = doc.y;
    doc.text(label, left, y, { width: cols.amount - left - 12, align: "right" });
    doc.text(value, cols.amount, y, { width: width * 0.18, align: "right" });
    doc.x = left;
  };
  if (inv.tax) {
    sum("Net", formatAmount(inv.net));
    sum(`${t(inv.tax.name)} ${formatRate(inv.tax.rateBp)}`, formatAmount(inv.tax.amount));
  }
  sum(inv.kind === "invoice" ? "Total" : "Total credited", formatAmount(inv.total), true);
  doc.moveDown(1.5);
  doc.font("Helvetica").fontSize(9);
  if (inv.tax) {
    doc.text(inv.pricesIncludeTax ? `Prices include ${t(inv.tax.name)} at ${formatRate(inv.tax.rateBp)}.` : `${t(inv.tax.name)} at ${formatRate(inv.tax.rateBp)} is added to the prices.`);
  } else {
    doc.text("No tax is charged on this invoice.");
  }
  if (inv.kind === "credit-note") doc.text(`This credit note refunds part or all of invoice ${inv.refersTo?.invoiceNumber ?? ""}; the amount is returned to the PayPal account that paid.`);
  if (inv.status === "Pending") doc.text("PayPal is still reviewing this payment; the invoice is final once it is paid.");
  if (inv.status === "Refund pending") doc.text("PayPal is still processing this refund.");
  doc.text(`All amounts in ${inv.currency}.`);
  doc.end();
  return done;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

/** The characters of Windows-1252 above Latin-1's printable range that the standard fonts print. */
const CP1252_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
const printableChar = (c: string) => {
  const code = c.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(c);
};

/** Text the standard fonts can print: accents dropped where the letter is not in Windows-1252, "?" for the rest. */
export function printable(s: string): string {
  let out = "";
  for (const c of s.normalize("NFC").replace(/\r\n?/g, "\n").replace(/\t/g, " ")) {
    if (c === "\n" || printableChar(c)) out += c;
    else {
      const base = c.normalize("NFKD").replace(/\p{M}/gu, "");
      out += base && [...base].every(printableChar) ? base : "?";
    }
  }
  return out;
}
