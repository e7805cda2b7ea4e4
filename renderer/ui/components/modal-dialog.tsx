// A native modal <dialog>: focus is trapped and Escape closes it without extra code.
import { useEffect, useRef, type ReactNode } from 'react';

export function ModalDialog({
  title,
  onClose,
  children,
  className,
  closable = true,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** false while something is under way that closing would hide. */
  closable?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal${className ? ` ${className}` : ''}`}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault();
        if (closable) onClose();
      }}
    >
      <h2 className="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}
