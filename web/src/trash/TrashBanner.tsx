import { useState } from "react";
import { EmptyTrashDialog } from "./TrashDialogs";
import { RETENTION_DAYS } from "./trash-words";

/**
 * At the top of the Trash view (the seed's banner): what the Trash is, and "Empty trash now".
 * `total` is the Trash's count (undefined while counting); nothing to empty disables the button.
 */
export function TrashBanner({ total }: { total: number | undefined }) {
  const [emptying, setEmptying] = useState(false);
  return (
    <div className="trash-banner" role="region" aria-label="About the Trash">
      <p>
        Activities in the Trash are deleted permanently {RETENTION_DAYS} days after they were moved here; each row says when. Until then, an admin can restore them. Only admins see the Trash.
      </p>
      <button type="button" className="button button-danger" disabled={!total} onClick={() => setEmptying(true)}>
        Empty trash now
      </button>
      {emptying && <EmptyTrashDialog count={total ?? 0} onClose={() => setEmptying(false)} />}
    </div>
  );
}
