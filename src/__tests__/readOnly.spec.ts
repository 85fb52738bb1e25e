import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { Signal } from '@lumino/signaling';

import { READ_ONLY_CLASS, ReadOnlyDocuments } from '../readOnly';

/** An answer of the server's, held until the test lets it go. */
interface IPending {
  resolve: (writable: boolean) => void;
}

/**
 * A notebook panel's parts that this touches, as JupyterLab has them (Lumino's widgets do not
 * load in jsdom): its node's classes, its cells' `readOnly`, its disposal.
 */
function openNotebook(writable: boolean) {
  const cells = [{ readOnly: false }, { readOnly: false }];
  const node = document.createElement('div');
  const widget = {
    node,
    isDisposed: false,
    disposed: new Signal<unknown, void>({}),
    hasClass: (name: string) => node.classList.contains(name),
    toggleClass: (name: string, on: boolean) => node.classList.toggle(name, on),
    content: {
      widgets: cells,
      model: { cells: { changed: new Signal<unknown, void>({}) } }
    }
  };
  const context = {
    path: 'home/ann/project/hello.ipynb',
    ready: Promise.resolve(),
    contentsModel: { writable },
    saveState: new Signal<unknown, string>({}),
    model: { dirty: true }, // typed in meanwhile: kept, not read again
    revert: jest.fn(async () => undefined)
  };
  return {
    widget,
    cells,
    context: context as unknown as DocumentRegistry.Context
  };
}

describe('ReadOnlyDocuments', () => {
  let pending: IPending[];
  let documents: ReadOnlyDocuments;

  beforeEach(() => {
    pending = [];
    documents = new ReadOnlyDocuments(
      () => new Promise<boolean>(resolve => pending.push({ resolve }))
    );
  });

  async function opened(writable: boolean) {
    const notebook = openNotebook(writable);
    documents.extension().createNew(notebook.widget as never, notebook.context);
    await notebook.context.ready;
    await Promise.resolve();
    return notebook;
  }

  it('opens a document the server says is not writable read-only', async () => {
    const { widget, cells } = await opened(false);
    expect(widget.hasClass(READ_ONLY_CLASS)).toBe(true);
    expect(cells.every(cell => cell.readOnly)).toBe(true);
  });

  it('opens it for typing when asked again and the server says writable', async () => {
    const { widget, cells } = await opened(false);
    const recheck = documents.recheck();
    pending[0].resolve(true);
    await recheck;
    expect(widget.hasClass(READ_ONLY_CLASS)).toBe(false);
    expect(cells.some(cell => cell.readOnly)).toBe(false);
  });

  it('follows the last question when two answers come back in the other order', async () => {
    // permissions changed twice: asked under the first (not writable), then the second
    // (writable); the first answer is the slower one
    const { widget } = await opened(false);
    const first = documents.recheck();
    const second = documents.recheck();
    pending[1].resolve(true);
    await second;
    pending[0].resolve(false);
    await first;
    expect(widget.hasClass(READ_ONLY_CLASS)).toBe(false);
  });

  it('turns an open document read-only when a save fails and the server says so', async () => {
    const { widget, context } = await opened(true);
    expect(widget.hasClass(READ_ONLY_CLASS)).toBe(false);
    (context.saveState as Signal<unknown, string>).emit('failed');
    pending[0].resolve(false);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(widget.hasClass(READ_ONLY_CLASS)).toBe(true);
  });
});
