/**
 * The Collaborators section: listens to the server's collaborators stream while it is shown
 * (reconnecting after a network failure, with growing pauses) and renders the list.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { ICollaborator, RBACClient } from './api';
import { CollaboratorsView } from './components/CollaboratorsView';

/** Close codes after which reconnecting is pointless: done, or no longer allowed. */
const FINAL_CLOSE_CODES = [1000, 1008];
const MAX_RETRY_DELAY = 30_000; // ms

export class CollaboratorsWidget extends ReactWidget {
  constructor(
    private readonly client: RBACClient,
    private readonly me: string,
    private readonly trans: TranslationBundle,
    private readonly onOpen: (path: string) => void,
    private readonly onShowUser?: (name: string) => void
  ) {
    super();
    this.addClass('jp-RBAC-Section');
    this.addClass('jp-RBAC-CollaboratorsWidget');
    this.title.label = trans.__('Collaborators');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.retryDelay = 1000;
    this.connect();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.disconnect();
  }

  dispose(): void {
    this.disconnect();
    super.dispose();
  }

  render(): JSX.Element {
    if (this.problem) {
      return <p className="jp-RBAC-Error">{this.problem}</p>;
    }
    if (this.collaborators === null) {
      return <p className="jp-RBAC-Loading">{this.trans.__('Loading…')}</p>;
    }
    return (
      <div className="jp-RBAC-CollaboratorsBody">
        <CollaboratorsView
          collaborators={this.collaborators}
          me={this.me}
          onOpen={this.onOpen}
          onShowUser={this.onShowUser}
          trans={this.trans}
        />
      </div>
    );
  }

  private connect(): void {
    if (this.socket) {
      return;
    }
    this.socket = this.client.watchCollaborators(
      collaborators => {
        this.retryDelay = 1000;
        this.problem = '';
        this.collaborators = collaborators;
        this.update();
      },
      code => {
        this.socket = null;
        if (!this.isVisible) {
          return;
        }
        if (FINAL_CLOSE_CODES.includes(code)) {
          this.problem = this.trans.__('You may no longer see who is here.');
          this.update();
          return;
        }
        this.retry = window.setTimeout(() => this.connect(), this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_DELAY);
      }
    );
  }

  private disconnect(): void {
    window.clearTimeout(this.retry);
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  private socket: WebSocket | null = null;
  private collaborators: ICollaborator[] | null = null;
  private problem = '';
  private retry = 0;
  private retryDelay = 1000;
}
