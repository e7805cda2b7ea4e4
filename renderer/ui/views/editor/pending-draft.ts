// A runbook draft handed to the New runbook editor by another view (Import script): kept
// in memory for the one navigation to #/new, never in storage a page could read later.
export interface PendingDraft {
  text: string;
  /** A file name to suggest, e.g. from the imported script's name. */
  path: string;
  /** What the importer wants the author to look at. */
  warnings: readonly string[];
}

let pending: PendingDraft | undefined;

export function handOver(draft: PendingDraft): void {
  pending = draft;
}

/** The draft handed over, once: a later visit to #/new starts from the template. */
export function takePendingDraft(): PendingDraft | undefined {
  const draft = pending;
  pending = undefined;
  return draft;
}

let notice: string | undefined;

/** A message for the next editor to show, e.g. "Saved …" when saving a new runbook opened its own editor. */
export function handOverNotice(text: string): void {
  notice = text;
}

export function takeNotice(): string | undefined {
  const text = notice;
  notice = undefined;
  return text;
}
