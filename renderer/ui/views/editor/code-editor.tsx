// CodeMirror 6 on a runbook's Markdown: the validator's problems as you type (debounced,
// from the same validator `handrail validate` runs), completion of fence attributes and
// target names, Ctrl/Cmd+S to save. Tab leaves the editor, so the page stays keyboard
// navigable; Ctrl/Cmd+Shift+M lists the problems, F8 goes to the next one.
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, linter } from '@codemirror/lint';
import { EditorSelection, EditorState, StateEffect, type Transaction } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { Problem } from '../../../../src/contract/problem.js';
import { fenceCompletionSource } from './fence-completions.js';
import { spanOf, toDiagnostics } from './lint-diagnostics.js';

/** The validator's pause: long enough not to ask on every key, short enough to feel live. */
const LINT_DELAY_MS = 300;
/** Asks the linter to run again although the text did not change (the file name did). */
const relintEffect = StateEffect.define<null>();
const asksRelint = (tr: Transaction) => tr.effects.some((e) => e.is(relintEffect));

export interface CodeEditorHandle {
  /** Replaces the text, keeping the cursor where the text did not change (e.g. after the version was raised). */
  replaceText(text: string): void;
  /** Puts the cursor at a problem's line and column and focuses the editor. */
  focusAt(line: number, col: number): void;
  /** Validates again now, e.g. after the file name changed. */
  relint(): void;
}

export interface CodeEditorProps {
  initialText: string;
  label: string;
  onText: (text: string) => void;
  /** The problems of `text`; rejects when the validator could not be asked. */
  validate: (text: string) => Promise<readonly Problem[]>;
  targets: readonly string[];
  onSave: () => void;
}

export const CodeEditor = forwardRef<CodeEditorHandle, CodeEditorProps>(function CodeEditor(props, ref) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The editor is created once; these keep its callbacks pointing at the latest props.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const host = parent.current;
    if (!host) return;
    const created = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: latest.current.initialText,
        extensions: [
          // A file written with CRLF line endings is saved with them again.
          ...(latest.current.initialText.includes('\r\n') ? [EditorState.lineSeparator.of('\r\n')] : []),
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          EditorView.lineWrapping,
          // Runbooks start steps with ## only; without setext headings the front matter's closing --- does not turn its last key into a heading.
          markdown({ extensions: { remove: ['SetextHeading'] } }),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          lintGutter(),
          linter(
            async (v) => {
              const doc = v.state.doc;
              try {
                return toDiagnostics(doc, await latest.current.validate(doc.toString()));
              } catch {
                return []; // the view shows why in its alert region
              }
            },
            { delay: LINT_DELAY_MS, needsRefresh: (update) => update.transactions.some(asksRelint) },
          ),
          autocompletion({ override: [fenceCompletionSource(() => latest.current.targets)] }),
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                latest.current.onSave();
                return true;
              },
            },
            ...completionKeymap,
            ...lintKeymap,
            ...historyKeymap,
            // Without Tab's indent binding (not in defaultKeymap), Tab still leaves the editor.
            ...defaultKeymap,
          ]),
          EditorView.contentAttributes.of({ 'aria-label': latest.current.label, 'aria-multiline': 'true' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onText(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  useImperativeHandle(ref, () => ({
    replaceText(text: string) {
      const v = view.current;
      if (!v) return;
      const old = v.state.doc.toString();
      if (old === text) return;
      let start = 0;
      while (start < old.length && start < text.length && old[start] === text[start]) start++;
      let endOld = old.length;
      let endNew = text.length;
      while (endOld > start && endNew > start && old[endOld - 1] === text[endNew - 1]) {
        endOld--;
        endNew--;
      }
      v.dispatch({ changes: { from: start, to: endOld, insert: text.slice(start, endNew) } });
    },
    focusAt(line: number, col: number) {
      const v = view.current;
      if (!v) return;
      const { from } = spanOf(v.state.doc, line, col);
      v.dispatch({ selection: EditorSelection.cursor(from), scrollIntoView: true });
      v.focus();
    },
    relint() {
      view.current?.dispatch({ effects: relintEffect.of(null) });
    },
  }));

  return <div ref={parent} className="code-editor" />;
});
