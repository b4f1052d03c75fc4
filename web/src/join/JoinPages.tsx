import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { keys } from "../api/queries";
import type { Me } from "../api/types";
import { navigate } from "../app/router";
import { detectZone } from "../public/time";
import { TextField, TimeZoneField, fieldErrors } from "../settings/fields";
import "../settings/settings.css";

/**
 * The two link pages that need no sign-in: /invite/:token (join the team: your name and a
 * password) and /reset-password/:token (a new password). Both sign you in and open the stream.
 * The token travels to the API in the request body, never in an API URL.
 */
interface InvitationInfo {
  email: string;
  role: "admin" | "member";
  accountName: string;
  expiresAt: string;
  defaultTimeZone: string;
}

function useSignedInAfter() {
  const qc = useQueryClient();
  return (me: Me) => {
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
    qc.setQueryData(keys.me, me);
    navigate("/activities", { replace: true });
  };
}

export function InvitePage({ token }: { token: string }) {
  const info = useQuery({ queryKey: ["invitation", token], queryFn: () => api<InvitationInfo>("/api/v1/public/invitations/look-up", { method: "POST", body: { token } }), retry: false });
  const done = useSignedInAfter();
  const accept = useMutation({ mutationFn: (b: { name: string; password: string; timeZone: string }) => api<Me>("/api/v1/public/invitations/accept", { method: "POST", body: { token, ...b } }), onSuccess: done });
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => {
    document.title = "Join your team · Bookstream";
  }, []);
  const errs = fieldErrors(accept.error, ["name", "password", "timeZone"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    accept.mutate({ name, password, timeZone: zone ?? detectZone() });
  };
  return (
    <JoinShell title={info.data ? `Join ${info.data.accountName} on Bookstream` : "Join your team"} error={info.error}>
      {info.data && (
        <form className="form" onSubmit={submit} noValidate>
          <p>
            You were invited as {info.data.role === "admin" ? "an admin" : "a member"}. You will sign in with <strong>{info.data.email}</strong>.
          </p>
          <TextField label="Your name" value={name} onChange={setName} error={errs.of("name")} autoComplete="name" hint="As colleagues and customers see it." required />
          <TextField label="Choose a password" type="password" value={password} onChange={setPassword} error={errs.of("password")} autoComplete="new-password" hint="At least 8 characters." required />
          <TimeZoneField value={zone ?? detectZone()} onChange={setZone} error={errs.of("timeZone")} hint="Your weekly hours and the times you see are in it." />
          {errs.general && <p className="form-error" role="alert">{errs.general}</p>}
          <button type="submit" className="button button-primary button-block" disabled={accept.isPending}>
            {accept.isPending ? "Joining…" : "Join and sign in"}
          </button>
        </form>
      )}
    </JoinShell>
  );
}

export function ResetPasswordPage({ token }: { token: string }) {
  const info = useQuery({
    queryKey: ["password-reset", token],
    queryFn: () => api<{ email: string; name: string; accountName: string; expiresAt: string }>("/api/v1/public/password-resets/look-up", { method: "POST", body: { token } }),
    retry: false,
  });
  const done = useSignedInAfter();
  const reset = useMutation({ mutationFn: (password: string) => api<Me>("/api/v1/public/password-resets/accept", { method: "POST", body: { token, password } }), onSuccess: done });
  const [password, setPassword] = useState("");
  useEffect(() => {
    document.title = "Choose a new password · Bookstream";
  }, []);
  const errs = fieldErrors(reset.error, ["password"]);
  return (
    <JoinShell title="Choose a new password" error={info.error}>
      {info.data && (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate(password);
          }}
        >
          <p>
            For {info.data.name} ({info.data.email}) at {info.data.accountName}. Your other sessions are signed out.
          </p>
          <TextField label="New password" type="password" value={password} onChange={setPassword} error={errs.of("password")} autoComplete="new-password" hint="At least 8 characters." required />
          {errs.general && <p className="form-error" role="alert">{errs.general}</p>}
          <button type="submit" className="button button-primary button-block" disabled={reset.isPending}>
            {reset.isPending ? "Saving…" : "Save and sign in"}
          </button>
        </form>
      )}
    </JoinShell>
  );
}

function JoinShell({ title, error, children }: { title: string; error: Error | null; children: React.ReactNode }) {
  const gone = error instanceof ApiError && (error.status === 404 || error.status === 422 || error.status === 400);
  return (
    <main className="sign-in">
      <div className="sign-in-card form">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Bookstream</span>
        </div>
        <h1>{error ? "This link does not work" : title}</h1>
        {error ? (
          <p role="alert">{gone ? error.message.replace(/^body\.token: .*/, "This link is not complete: copy the whole link and try again.") : "Could not reach the server. Check your connection and try again."}</p>
        ) : (
          children
        )}
      </div>
    </main>
  );
}
