// A native modal <dialog>: focus is trapped and Escape closes it without extra code; focus
// returns to the control that opened it.
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
    // Closing gives focus back to what opened the dialog. The browser does that on close(),
    // but React removes the <dialog> before this cleanup runs, so focus would drop to the body.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (opener?.isConnected && (document.activeElement === null || document.activeElement === document.body)) opener.focus();
    };
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
