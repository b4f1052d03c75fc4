import { ApiError } from "../api/client";

/**
 * Downloads an activity's invoice (a PDF) with the user's session: fetched first, so a refusal is
 * shown as the server's message instead of a browser error page, then saved under its own name.
 */
export async function downloadInvoice(activityId: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/activities/${encodeURIComponent(activityId)}/invoice`, { credentials: "same-origin", headers: { accept: "application/pdf" } });
  } catch {
    throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    const e = body?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? (res.status === 404 ? `No invoice is available for ${activityId} yet.` : `The server answered ${res.status}.`), e?.details ?? {});
  }
  const blob = await res.blob();
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? `invoice-${activityId}.pdf`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = decodeURIComponent(name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
