/** The end of an action dialog's form: the server's error, then "back out" and the submit button. */
export function FormFooter(props: {
  error: { message: string } | null | undefined;
  onCancel: () => void;
  cancelLabel?: string;
  submitLabel: string;
  pending: boolean;
  pendingLabel?: string;
  disabled?: boolean;
  tone?: "primary" | "danger";
}) {
  const { error, onCancel, cancelLabel = "Cancel", submitLabel, pending, pendingLabel = "Working…", disabled, tone = "primary" } = props;
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="submit" className={`button button-${tone}`} disabled={pending || disabled}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </div>
    </>
  );
}
