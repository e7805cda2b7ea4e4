// A labelled control with help text: the label alone names the control (what a screen
// reader announces and a test finds it by); the help is its description.
import { useId, type ReactElement } from 'react';

export function Field({ label, help, children }: { label: string; help?: ReactElement | string; children: (ids: { id: string; describedBy: string | undefined }) => ReactElement }) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, describedBy: help ? helpId : undefined })}
      {help ? (
        <span className="field-help" id={helpId}>
          {help}
        </span>
      ) : null}
    </div>
  );
}
