/**
 * Documents the server says the user may not write (`writable: false` in the contents model,
 * which jupyter-rbac sets from the user's permissions on that path) open read-only: no typing
 * into cells or the editor. With real-time collaboration the server drops a reader's edits
 * anyway; this keeps their own copy from drifting from everybody else's. JupyterLab's own
 * toolbar label ("notebook is read-only") says so.
 */
import type { DocumentRegistry } from '@jupyterlab/docregistry';

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

/**
 * A widget extension making a document read-only once its context says it is not writable.
 */
export function readOnlyWhereRefused(): DocumentRegistry.WidgetExtension {
  return {
    createNew: (widget, context) => {
      void context.ready.then(() => {
        if (context.contentsModel?.writable !== false || widget.isDisposed) {
          return;
        }
        widget.addClass(READ_ONLY_CLASS);
        const content = (widget as unknown as { content: unknown }).content;
        if (isNotebook(content)) {
          const lock = () =>
            content.widgets.forEach(cell => (cell.readOnly = true));
          lock();
          content.model?.cells.changed.connect(() =>
            requestAnimationFrame(lock)
          ); // cells render first
        } else if (isFileEditor(content)) {
          content.editor.setOption('readOnly', true);
        }
      });
    }
  };
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
