import { ApiError } from "../api/client";

/**
 * Downloads a file with the user's session: fetched first, so a refusal is shown as the server's
 * message instead of a browser error page, then saved under the name the server gave it.
 */
export async function downloadFile(url: string, opts: { fallbackName: string; accept?: string; notFound?: string }): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: "same-origin", headers: opts.accept ? { accept: opts.accept } : {} });
  } catch {
    throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    const e = body?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? (res.status === 404 && opts.notFound ? opts.notFound : `The server answered ${res.status}.`), e?.details ?? {});
  }
  const blob = await res.blob();
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? opts.fallbackName;
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = decodeURIComponent(name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
