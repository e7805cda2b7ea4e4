// A step's prose. Raw HTML in a runbook is dropped (skipHtml; rehype-raw is never used), so
// a runbook cannot inject markup or script into the console.
import Markdown from 'react-markdown';

export function Prose({ text }: { text: string }) {
  if (!text.trim()) return null;
  return (
    <div className="prose">
      <Markdown
        skipHtml
        components={{
          // Links leave the console in a new window; Electron's shell vets the URL.
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {children}
            </a>
          ),
        }}
      >
        {text}
      </Markdown>
    </div>
  );
}
