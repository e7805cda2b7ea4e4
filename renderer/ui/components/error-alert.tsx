// Errors read as the server wrote them (what failed, where, what was left unchanged, what
// to do next), in an alert region so screen readers announce them at once.
export function ErrorAlert({ error, title }: { error: string | null | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div role="alert" className="alert alert-error">
      {title ? <strong className="alert-title">{title}</strong> : null}
      <p className="alert-text">{error}</p>
    </div>
  );
}
