/**
 * The file browser's Upload button, disabled where the server would refuse the upload, with a
 * tooltip naming the scope the user lacks; dropping files onto the listing is refused there
 * too. The button is JupyterLab's own (its `uploader` toolbar item); where it may not be used,
 * a disabled stand-in takes its place.
 */
import type { IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import type { FileBrowser } from '@jupyterlab/filebrowser';
import { fileUploadIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';

import type { Abilities, IRefusal } from './abilities';

const FILE_BROWSER_TOOLBAR = 'FileBrowser';
const UPLOADER = 'uploader';

/** The Upload button of one file browser, or its disabled stand-in. */
export class UploadOffer extends Panel {
  constructor(
    private readonly _uploader: Widget,
    private readonly _browser: FileBrowser,
    private readonly _abilities: Abilities,
    private readonly _describe: (refusal: IRefusal) => string
  ) {
    super();
    this.addClass('jp-RBAC-UploadOffer');
    this.addWidget(_uploader);
    this._allowsDrops = _browser.allowFileUploads;
    _abilities.changed.connect(this._follow, this);
    _browser.model.pathChanged.connect(this._follow, this);
    this._follow();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._abilities.changed.disconnect(this._follow, this);
    this._browser.model.pathChanged.disconnect(this._follow, this);
    super.dispose();
  }

  private _follow(): void {
    const refusal = this._abilities.folderRefusal(this._browser.model.path);
    const tooltip = refusal ? this._describe(refusal) : refusal;
    if (tooltip === this._shownRefusal) {
      return;
    }
    this._shownRefusal = tooltip;
    this._standIn?.dispose();
    this._standIn = null;
    if (tooltip === null) {
      this._uploader.show();
      this._browser.allowFileUploads = this._allowsDrops;
      return;
    }
    // refused, or not known yet (undefined): not offered
    this._uploader.hide();
    this._browser.allowFileUploads = false;
    this._standIn = new ToolbarButton({
      icon: fileUploadIcon,
      enabled: false,
      tooltip: tooltip ?? ''
    });
    this._standIn.addClass('jp-RBAC-UploadRefused');
    this.addWidget(this._standIn);
  }

  private _allowsDrops: boolean;
  private _standIn: ToolbarButton | null = null;
  private _shownRefusal: string | null | undefined = '\0'; // nothing shown yet
}

/**
 * Wrap the `uploader` item of every file browser's toolbar (those open now are rebuilt at
 * once). Call it once JupyterLab has started, after the file browser registered its item.
 */
export function offerUploadWhereAllowed(
  registry: IToolbarWidgetRegistry,
  abilities: Abilities,
  describe: (refusal: IRefusal) => string
): void {
  let theirs: ((browser: FileBrowser) => Widget) | undefined;
  const build = (browser: FileBrowser): Widget => {
    const uploader = theirs?.(browser);
    return uploader
      ? new UploadOffer(uploader, browser, abilities, describe)
      : new Widget(); // not known yet (see below), or no file browser has an uploader
  };
  // Adding a factory rebuilds the open toolbars at once, before it returns the factory it
  // replaced: so add it again, now that JupyterLab's own is known.
  theirs = registry.addFactory<FileBrowser>(
    FILE_BROWSER_TOOLBAR,
    UPLOADER,
    build
  );
  registry.addFactory<FileBrowser>(FILE_BROWSER_TOOLBAR, UPLOADER, build);
}
