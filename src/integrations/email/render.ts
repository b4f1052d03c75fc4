import { fillTemplate, type TemplateField } from "../../domain/notifications.js";
import type { TemplateText } from "./default-templates.js";

/**
 * Renders a template (default or custom) into the subject and both parts of an e-mail. Values
 * are plain text: the HTML part escapes them, so a customer's name can never inject markup.
 */
export type FieldValues = Partial<Record<TemplateField, string>>;

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

export function renderTemplate(t: TemplateText, values: FieldValues, opts: { isDefault: boolean; isPackage: boolean }): RenderedMessage {
  let text = t.text;
  if (opts.isDefault) {
    // A package's defaults name its Package ID where a booking's name the Booking ID.
    if (opts.isPackage) text = text.replace(/Booking ID: \{\{booking\.id\}\}/g, "Package ID: {{package.id}}");
    text = dropEmptyLines(text, values);
  }
  const subject = fillTemplate(t.subject, values).replace(/[\r\n]+/g, " ").trim();
  const filledText = fillTemplate(text, values);
  const html = t.html ? fillTemplate(t.html, values, escapeHtml) : htmlFromText(filledText, subject);
  return { subject, text: filledText, html };
}

/** In the defaults, a line whose every field is empty ("Video link: ") is left out. */
function dropEmptyLines(text: string, values: FieldValues): string {
  return text
    .split("\n")
    .filter((line) => {
      const fields = [...line.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1] as TemplateField);
      return fields.length === 0 || fields.some((f) => (values[f] ?? "") !== "");
    })
    .join("\n");
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Paragraphs and line breaks of the text part, with its links made clickable. */
export function htmlFromText(text: string, title: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split("\n").map(linkify).join("<br>\n")}</p>`)
    .join("\n");
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family: system-ui, sans-serif; line-height: 1.5">\n${paragraphs}\n</body></html>`;
}

function linkify(line: string): string {
  const parts = line.split(/(https?:\/\/[^\s<>"]+)/g);
  return parts.map((p, i) => (i % 2 === 1 ? `<a href="${escapeHtml(p)}">${escapeHtml(p)}</a>` : escapeHtml(p))).join("");
}
