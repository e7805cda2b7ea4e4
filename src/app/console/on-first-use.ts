// The console server answers its first screen (the app's info and the Runbooks view's list)
// before the Markdown, SQL and shell parsers are loaded: every part that needs them is
// imported when an operator first opens a view that uses it, once per process.

/** `load`, called on the first call only; a failed load is tried again at the next call. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
