import { inflateSync } from "node:zlib";

/**
 * Just enough PDF reading for tests: the page text (pdfkit writes it as hex strings in TJ/Tj
 * operators inside Flate-compressed content streams) and the document information strings.
 */
export interface PdfAnswer {
  status: number;
  contentType: string | null;
  disposition: string | null;
  cacheControl: string | null;
  bytes: Buffer;
  /** The page text, each TJ/Tj run joined, runs separated by newlines. */
  text: string;
  info: Record<string, string>;
  json: any;
}

export async function fetchPdf(url: string, token?: string): Promise<PdfAnswer> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bytes = Buffer.from(await res.arrayBuffer());
  const isPdf = bytes.subarray(0, 5).toString("latin1") === "%PDF-";
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    disposition: res.headers.get("content-disposition"),
    cacheControl: res.headers.get("cache-control"),
    bytes,
    text: isPdf ? pdfText(bytes) : "",
    info: isPdf ? pdfInfo(bytes) : {},
    json: isPdf ? null : JSON.parse(bytes.toString("utf8") || "null"),
  };
}

export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  const runs: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)(\r?)\nendstream/g)) {
    // A compressed stream may itself end in a carriage return, which the pattern takes for part of
    // the "\r\nendstream" delimiter: inflate it with that byte too before giving up (about one
    // PDF in 256 ended so, and its text read as nothing).
    const content = inflated(m[1]) ?? (m[2] ? inflated(m[1] + m[2]) : undefined) ?? m[1];
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join("") : op[2];
      runs.push(Buffer.from(hex, "hex").toString("latin1"));
    }
  }
  return runs.join("\n");
}

function inflated(data: string): string | undefined {
  try {
    return inflateSync(Buffer.from(data, "latin1")).toString("latin1");
  } catch {
    return undefined;
  }
}

/** The Info dictionary's strings (Title, Subject, Keywords …), literal or hex (UTF-16BE with BOM). */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  const raw = pdf.toString("latin1");
  const info = /\/Info\s+(\d+)\s+0\s+R/.exec(raw);
  if (!info) return {};
  const dict = new RegExp(`(?:^|\\s)${info[1]} 0 obj\\s*<<([\\s\\S]*?)>>\\s*endobj`).exec(raw)?.[1] ?? "";
  const out: Record<string, string> = {};
  for (const m of dict.matchAll(/\/(\w+)\s+(\d+)\s+0\s+R/g)) out[m[1]] = stringObject(raw, m[2]);
  for (const m of dict.matchAll(/\/(\w+)\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)/g)) out[m[1]] = decodeString(m[2]);
  return out;
}

function stringObject(raw: string, n: string): string {
  const body = new RegExp(`(?:^|\\s)${n} 0 obj\\s*([\\s\\S]*?)\\s*endobj`).exec(raw)?.[1] ?? "";
  return decodeString(body.trim());
}

function decodeString(s: string): string {
  let bytes: Buffer;
  if (s.startsWith("<")) bytes = Buffer.from(s.slice(1, -1), "hex");
  else bytes = Buffer.from(s.slice(1, -1).replace(/\\([nrtbf()\\])/g, (_, c) => ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[c] ?? c), "latin1");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString("utf16le");
  return bytes.toString("latin1");
}
