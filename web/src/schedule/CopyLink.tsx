import { useEffect, useState } from "react";
import { copyText } from "../ui/CopyButton";

/** A copy button whose visible words say what it copies ("Copy schedule link" → "Copied"). */
export function CopyLink({ text, label, small }: { text: string; label: string; small?: boolean }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <>
      <button type="button" className={`button${small ? " button-small" : ""}`} onClick={async () => setState((await copyText(text)) ? "copied" : "failed")}>
        {state === "copied" ? "Copied" : label}
      </button>
      <span className="sr-only" role="status">
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Could not copy; select the text and copy it" : ""}
      </span>
    </>
  );
}
