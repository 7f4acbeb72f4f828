// The three-way view of a conflicted file: base, theirs and yours read-only side by side with the chunks each side
// changed marked, and the merged text in an editor (CodeMirror 6). The texts come from the page; nothing is kept.

import { EditorState, RangeSetBuilder } from '@codemirror/state';
import { EditorView, Decoration, lineNumbers, keymap, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';

const views = new WeakMap();

// Which chunks each pane marks: a side's pane shows what that side changed, and the conflicts.
const SHOWN = {
  base: ['theirs', 'yours', 'both', 'conflict'],
  theirs: ['theirs', 'both', 'conflict'],
  yours: ['yours', 'both', 'conflict'],
};

function marks(doc, chunks, pane) {
  const builder = new RangeSetBuilder();
  const lines = [];
  for (const chunk of chunks) {
    if (!SHOWN[pane].includes(chunk.kind)) continue;
    const start = chunk[pane + 'Start'];
    const count = chunk[pane + 'Count'];
    for (let i = 0; i < count; i++) lines.push([start + i + 1, chunk.kind]);
  }
  lines.sort((a, b) => a[0] - b[0]);
  for (const [number, kind] of lines) {
    if (number > doc.lines) continue;
    const line = doc.line(number);
    builder.add(line.from, line.from, Decoration.line({ attributes: { class: 'cm-chunk cm-chunk-' + kind, 'data-chunk': kind } }));
  }
  return builder.finish();
}

function readOnlyView(parent, text, chunks, pane) {
  const doc = EditorState.create({ doc: text }).doc;
  const extensions = [lineNumbers(), EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.decorations.of(marks(doc, chunks, pane))];
  return new EditorView({ state: EditorState.create({ doc, extensions }), parent });
}

function editorView(parent, text) {
  // The document keeps the file's line ends (CodeMirror joins lines with \n unless told otherwise).
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return new EditorView({
    state: EditorState.create({
      doc: text,
      extensions: [
        EditorState.lineSeparator.of(eol),
        lineNumbers(), history(), drawSelection(), highlightActiveLine(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ 'aria-label': 'Merged result: edit it, then accept the edit' }),
      ],
    }),
    parent,
  });
}

// host holds four elements marked data-pane="base|theirs|yours|merged"; data is the page's three-way text.
export function mount(host, data) {
  dispose(host);
  const pane = name => host.querySelector(`[data-pane='${name}']`);
  const created = {
    base: readOnlyView(pane('base'), data.base, data.chunks, 'base'),
    theirs: readOnlyView(pane('theirs'), data.theirs, data.chunks, 'theirs'),
    yours: readOnlyView(pane('yours'), data.yours, data.chunks, 'yours'),
    merged: editorView(pane('merged'), data.merged),
  };
  views.set(host, created);
  host.dataset.mounted = 'true';
}

// The merged text as the person left it.
export function merged(host) {
  const created = views.get(host);
  return created ? created.merged.state.doc.toString() : null;
}

// Puts a text (theirs, yours) into the editor as a starting point; undo brings back what was there.
export function setMerged(host, text) {
  const created = views.get(host);
  if (!created) return;
  const view = created.merged;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

export function dispose(host) {
  const created = host && views.get(host);
  if (!created) return;
  for (const view of Object.values(created)) view.destroy();
  views.delete(host);
  host.dataset.mounted = 'false';
}
