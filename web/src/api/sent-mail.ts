import { useQuery } from "@tanstack/react-query";
import { api } from "./client";

/** A message the system sent (or, without SMTP_URL, kept instead of sending): GET /api/v1/sent-mail. */
export interface SentMailItem {
  id: string;
  messageId: string;
  activityId: string | null;
  kind: string;
  audience: string;
  transport: "smtp" | "local";
  from: string;
  to: string;
  subject: string;
  sentAt: string;
  headers: Record<string, string>;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; size: number; content: string | null }[];
}

export const useSentMail = (cursor: string | null) =>
  useQuery({
    queryKey: ["sent-mail", cursor],
    queryFn: ({ signal }) => api<{ items: SentMailItem[]; nextCursor: string | null }>(`/api/v1/sent-mail?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { signal }),
  });
