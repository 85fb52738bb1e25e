/**
 * A section of the Access panel that prepares its view the first time it is shown, so that a
 * collapsed section costs no request, and the scope catalog the sections share.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { IScopeCatalog, RBACClient } from './api';

export class LazyView extends ReactWidget {
  /**
   * @param prepare - reads what the view needs; resolves to the function that renders it
   */
  constructor(
    label: string,
    className: string,
    private readonly prepare: () => Promise<() => JSX.Element>,
    private readonly loadingText: string
  ) {
    super();
    this.addClass(className);
    this.addClass('jp-RBAC-Section');
    this.title.label = label;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this.view || this.preparing) {
      return;
    }
    this.preparing = true;
    this.failure = '';
    this.prepare()
      .then(
        view => {
          this.view = view;
        },
        reason => {
          this.failure = (reason as Error).message;
        }
      )
      .finally(() => {
        this.preparing = false;
        this.update();
      });
  }

  render(): JSX.Element {
    if (this.failure) {
      return <p className="jp-RBAC-Error">{this.failure}</p>;
    }
    return this.view ? (
      this.view()
    ) : (
      <p className="jp-RBAC-Loading">{this.loadingText}</p>
    );
  }

  private view: (() => JSX.Element) | null = null;
  private preparing = false;
  private failure = '';
}

/**
 * The scope catalog, read once and shared by the sections that need it.
 */
export class CatalogCache {
  /** @param known - the catalog already read (at start-up), if any. */
  constructor(
    private readonly client: RBACClient,
    known?: IScopeCatalog
  ) {
    this.catalog = known ? Promise.resolve(known) : null;
  }

  get(): Promise<IScopeCatalog> {
    if (!this.catalog) {
      const reading = this.client.scopes();
      reading.catch(() => (this.catalog = null)); // read again next time
      this.catalog = reading;
    }
    return this.catalog;
  }

  private catalog: Promise<IScopeCatalog> | null;
}
