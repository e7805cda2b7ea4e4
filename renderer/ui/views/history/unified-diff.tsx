// The unified diff as text (what `handrail diff` prints), each line marked by what it is,
// focusable so a keyboard user can scroll it.
export function UnifiedDiff({ text }: { text: string }) {
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <section aria-label="Unified diff" className="unified-diff-section">
      <h3>Unified diff</h3>
      <pre className="unified-diff" tabIndex={0}>
        {lines.map((line, i) => (
          <span key={i} className={lineClass(line)}>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </section>
  );
}

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('===')) return 'diff-file';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-added';
  if (line.startsWith('-')) return 'diff-removed';
  return 'diff-same';
}
