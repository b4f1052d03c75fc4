import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { CopyButton } from "./CopyButton";

export interface Toast {
  id: number;
  message: string;
  tone?: "success" | "error" | "info";
  copy?: { text: string; label: string };
}

const Ctx = createContext<(t: Omit<Toast, "id">) => void>(() => undefined);
export const useToast = () => useContext(Ctx);

let nextId = 1;

/** Short confirmations after an action ("Canceled", "Link sent to the customer: …"). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (t: Omit<Toast, "id">) => {
      const id = nextId++;
      setToasts((ts) => [...ts.slice(-3), { ...t, id }]);
      if (!t.copy) setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const value = useMemo(() => push, [push]);
  return (
    <Ctx.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone ?? "info"}`}>
            <p>{t.message}</p>
            {t.copy && (
              <div className="toast-copy">
                <code>{t.copy.text}</code>
                <CopyButton text={t.copy.text} label={t.copy.label} />
              </div>
            )}
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}
