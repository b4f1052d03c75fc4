import { downloadFile } from "../ui/download";

/** Downloads an activity's invoice (a PDF), saved under its own name. */
export function downloadInvoice(activityId: string): Promise<void> {
  return downloadFile(`/api/v1/activities/${encodeURIComponent(activityId)}/invoice`, {
    fallbackName: `invoice-${activityId}.pdf`,
    accept: "application/pdf",
    notFound: `No invoice is available for ${activityId} yet.`,
  });
}
