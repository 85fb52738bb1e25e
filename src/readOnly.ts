/**
 * Documents the server says the user may not write (`writable: false` in the contents model,
 * which jupyter-rbac sets from the user's permissions on that path) open read-only: no typing
 * into cells or the editor. With real-time collaboration the server drops a reader's edits
 * anyway; this keeps their own copy from drifting from everybody else's. JupyterLab's own
 * toolbar label ("notebook is read-only") says so.
 *
 * When the user's permissions change (a folder shared with them, or taken back), and when a save
 * of a document fails, every open document (or that one) is asked again: one they may now write opens for typing (read again from the disk,
 * so JupyterLab saves it as writable), one they may no longer write turns read-only (what they
 * typed stays, and the server refuses to save it).
 */
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

/** The parts of a notebook panel this needs (`@jupyterlab/notebook` types, structurally). */
interface INotebookLike {
  widgets: ReadonlyArray<{ readOnly: boolean }>;
  model: { cells: { changed: { connect: (slot: () => void) => void } } } | null;
  modelChanged?: { connect: (slot: () => void) => void };
}

/** The part of a file editor this needs. */
interface IFileEditorLike {
  editor: { setOption: (option: string, value: unknown) => void };
}

export const READ_ONLY_CLASS = 'jp-RBAC-ReadOnlyDocument';

/** May the user write the document at `path` now, as the server says (its `writable`)? */
export type WritableNow = (path: string) => Promise<boolean>;

interface IOpenDocument {
  widget: Widget;
  context: DocumentRegistry.Context;
  locked: boolean;
  asked: number; // the questions about it so far: only the last one's answer counts
  apply: () => void;
}

/**
 * The open documents' read-only state, following what the server says the user may write.
 */
export class ReadOnlyDocuments {
  constructor(private readonly writableNow: WritableNow) {}

  /** The widget extension of the document factories: each document as it opens. */
  extension(): DocumentRegistry.WidgetExtension {
    return {
      createNew: (widget, context) => {
        void context.ready.then(() => {
          if (widget.isDisposed) {
            return;
          }
          const document = track(widget, context);
          this._open.add(document);
          widget.disposed.connect(() => this._open.delete(document));
          // a refused save may be the first news of lost permissions: ask at once
          context.saveState.connect((_, state) => {
            if (state === 'failed') {
              void this._recheck(document);
            }
          });
          if (context.contentsModel?.writable === false) {
            setLocked(document, true);
          }
        });
      }
    };
  }

  /** Ask again about every open document whenever `changed` is emitted. */
  follow(changed: ISignal<unknown, void>): void {
    changed.connect(() => void this.recheck());
  }

  /** Ask the server about every open document now. */
  async recheck(): Promise<void> {
    await Promise.all([...this._open].map(document => this._recheck(document)));
  }

  private async _recheck(document: IOpenDocument): Promise<void> {
    const asked = ++document.asked;
    let writable: boolean;
    try {
      writable = await this.writableNow(document.context.path);
    } catch {
      return; // gone, or unreadable now: the next request says so
    }
    if (asked !== document.asked) {
      return; // asked again meanwhile (permissions changed twice): that answer decides
    }
    if (writable && document.locked) {
      if (!document.context.model.dirty) {
        await document.context.revert(); // the contents model JupyterLab saves by: writable
      }
      setLocked(document, false);
    } else if (!writable && !document.locked) {
      setLocked(document, true);
    }
  }

  private _open = new Set<IOpenDocument>();
}

function track(
  widget: Widget,
  context: DocumentRegistry.Context
): IOpenDocument {
  const document: IOpenDocument = {
    widget,
    context,
    locked: false,
    asked: 0,
    apply: () => undefined
  };
  const content = (widget as unknown as { content: unknown }).content;
  if (isNotebook(content)) {
    document.apply = () =>
      content.widgets.forEach(cell => (cell.readOnly = document.locked));
    // cells added later (another user's, a reload) render first, then take the state
    content.model?.cells.changed.connect(() =>
      requestAnimationFrame(() => document.locked && document.apply())
    );
  } else if (isFileEditor(content)) {
    document.apply = () =>
      content.editor.setOption('readOnly', document.locked);
  }
  return document;
}

function setLocked(document: IOpenDocument, locked: boolean): void {
  document.locked = locked;
  document.widget.toggleClass(READ_ONLY_CLASS, locked);
  document.apply();
}

function isNotebook(content: unknown): content is INotebookLike {
  return (
    !!content &&
    Array.isArray((content as INotebookLike).widgets) &&
    'model' in (content as object)
  );
}

function isFileEditor(content: unknown): content is IFileEditorLike {
  return (
    !!content &&
    typeof (content as IFileEditorLike).editor?.setOption === 'function'
  );
}
