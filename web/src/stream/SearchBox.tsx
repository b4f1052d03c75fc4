import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { useSearchHelp } from "../api/queries";

/**
 * The free-text filter: applied as you type (debounced) or on Enter, with a help pop-over that
 * shows the server's grammar, and the server's message inline when the query does not parse.
 */
export function SearchBox({ value, onChange, error }: { value: string; onChange: (q: string) => void; error: ApiError | null }) {
  const [text, setText] = useState(value);
  const [helpOpen, setHelpOpen] = useState(false);
  const help = useSearchHelp(helpOpen);
  const errorId = useId();
  const helpId = useId();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(value);

  useEffect(() => {
    // The URL changed from elsewhere (a view, a saved filter, back button).
    if (value !== latest.current) {
      latest.current = value;
      setText(value);
    }
  }, [value]);

  const commit = (q: string) => {
    clearTimeout(timer.current);
    latest.current = q;
    onChange(q);
  };
  const queryError = error?.code === "invalid_query" ? error : null;
  const position = typeof queryError?.details.position === "number" ? (queryError.details.position as number) : null;

  return (
    <div className="search">
      <div className="search-row">
        <input
          type="search"
          className={`input search-input${queryError ? " is-invalid" : ""}`}
          placeholder="Search: name, email, ID, page…"
          aria-label="Search activities"
          aria-invalid={Boolean(queryError)}
          aria-describedby={queryError ? errorId : undefined}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            clearTimeout(timer.current);
            const q = e.target.value;
            timer.current = setTimeout(() => commit(q), 350);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") commit(text);
          }}
        />
        <button
          type="button"
          className="icon-button help-button"
          aria-label="Search help"
          aria-expanded={helpOpen}
          aria-controls={helpId}
          onClick={() => setHelpOpen((o) => !o)}
        >
          ?
        </button>
      </div>
      {helpOpen && (
        <div id={helpId} className="popover search-help" role="region" aria-label="How to search">
          <div className="popover-head">
            <strong>How to search</strong>
            <button type="button" className="icon-button" aria-label="Close search help" onClick={() => setHelpOpen(false)}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
          {help.data ? <Markdown text={help.data.markdown} /> : help.isError ? <p>Help is not available right now.</p> : <p>Loading…</p>}
        </div>
      )}
      {queryError && (
        <div id={errorId} className="query-error" role="alert">
          <p>{queryError.message}</p>
          {position !== null && value && <QueryMarker query={value} position={position} />}
        </div>
      )}
    </div>
  );
}

/** The query with the character the server points at marked. */
function QueryMarker({ query, position }: { query: string; position: number }) {
  const at = Math.min(position, query.length);
  return (
    <p className="query-marker" aria-hidden="true">
      <code>
        {query.slice(0, at)}
        <mark>{query.slice(at, at + 1) || " "}</mark>
        {query.slice(at + 1)}
      </code>
    </p>
  );
}

/** Just enough Markdown for the help text: bullets, **bold** and `code`. */
function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  let bullets: string[] = [];
  const flush = () => {
    if (bullets.length) blocks.push(<ul key={blocks.length}>{bullets.map((b, i) => <li key={i}>{inline(b)}</li>)}</ul>);
    bullets = [];
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("- ")) bullets.push(line.slice(2));
    else if (line.startsWith("  ") && bullets.length) bullets[bullets.length - 1] += " " + line.trim();
    else {
      flush();
      if (line.trim()) blocks.push(<p key={blocks.length}>{inline(line)}</p>);
    }
  }
  flush();
  return <div className="markdown">{blocks}</div>;
}

function inline(s: string): ReactNode[] {
  return s.split(/(`[^`]+`|\*\*[^*]+\*\*)/g).map((part, i) =>
    part.startsWith("`") ? <code key={i}>{part.slice(1, -1)}</code> : part.startsWith("**") ? <strong key={i}>{part.slice(2, -2)}</strong> : part,
  );
}
