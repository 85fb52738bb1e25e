/**
 * The file browser marks the folders and files shared by the user or with them (a small icon
 * after the name, and words for screen readers and the tooltip), from the shares the server
 * lists for them. Marks follow the listing as it changes; the list of shares is read again when
 * the user's permissions change and after they share something.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

import { IMe, IShare, RBACClient } from './api';

export const SHARED_BY_YOU = 'by-you';
export const SHARED_WITH_YOU = 'with-you';
const MARK_ATTRIBUTE = 'data-rbac-shared';

/** The part of a file browser this needs. */
export interface IBrowserLike {
  node: HTMLElement;
  model: { path: string };
}

/** How each path is shared, for this user: by them, with them (or both: by them wins). */
export function sharedPaths(
  shares: IShare[],
  me: Pick<IMe, 'username' | 'groups'>
): Map<string, string> {
  const marks = new Map<string, string>();
  for (const share of shares) {
    if (share.expired) {
      continue;
    }
    if (share.shared_by === me.username) {
      marks.set(share.path, SHARED_BY_YOU);
    } else if (
      share.user === me.username ||
      (share.group !== null && me.groups.includes(share.group))
    ) {
      if (!marks.has(share.path)) {
        marks.set(share.path, SHARED_WITH_YOU);
      }
    }
  }
  return marks;
}

export class SharedMarks {
  constructor(
    private readonly client: RBACClient,
    private readonly me: () => Pick<IMe, 'username' | 'groups'>,
    private readonly trans: TranslationBundle
  ) {}

  /** Mark this browser's listing, now and as it changes. */
  watch(browser: IBrowserLike): void {
    if (this._browsers.has(browser)) {
      return;
    }
    this._browsers.add(browser);
    const observer = new MutationObserver(() => this._schedule(browser));
    observer.observe(browser.node, { childList: true, subtree: true });
    this._schedule(browser);
  }

  /** Read the shares again, and mark every watched listing. */
  async refresh(): Promise<void> {
    try {
      const page = await this.client.shares({ limit: 1000 });
      this._marks = sharedPaths(page.items, this.me());
    } catch {
      this._marks = new Map(); // the user may list no shares: nothing to mark
    }
    this._browsers.forEach(browser => this._mark(browser));
  }

  private _schedule(browser: IBrowserLike): void {
    if (this._pending.has(browser)) {
      return;
    }
    this._pending.add(browser);
    requestAnimationFrame(() => {
      this._pending.delete(browser);
      this._mark(browser);
    });
  }

  private _mark(browser: IBrowserLike): void {
    const folder = browser.model.path.replace(/^[^:]*:/, ''); // a drive's prefix
    const items = browser.node.querySelectorAll<HTMLElement>(
      '.jp-DirListing-item'
    );
    items.forEach(item => {
      const name = item.querySelector('.jp-DirListing-itemText')?.textContent;
      const mark = name
        ? this._marks.get(PathExt.join(folder, name))
        : undefined;
      if (item.getAttribute(MARK_ATTRIBUTE) === (mark ?? null)) {
        return;
      }
      if (mark) {
        item.setAttribute(MARK_ATTRIBUTE, mark);
        item.setAttribute(
          'aria-description',
          mark === SHARED_BY_YOU
            ? this.trans.__('Shared by you')
            : this.trans.__('Shared with you')
        );
      } else {
        item.removeAttribute(MARK_ATTRIBUTE);
        item.removeAttribute('aria-description');
      }
    });
  }

  private _marks = new Map<string, string>();
  private _browsers = new Set<IBrowserLike>();
  private _pending = new Set<IBrowserLike>();
}
