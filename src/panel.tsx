/**
 * The "Access" side panel (shield icon): "My permissions" for every user, "Check access" for
 * administrators. Views read the server when they are shown, so they follow role changes
 * without a reload.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon, ReactWidget, SidePanel } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { IMe, RBACClient } from './api';
import { AccessCheck, checkableResources } from './components/AccessCheck';
import { MyPermissions } from './components/MyPermissions';
import { catalogWords } from './plainWords';

export const PANEL_ID = 'jp-rbac-access';

const SHIELD_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <path class="jp-icon3" fill="#616161" d="M12 1 3 5v6c0 5.55 3.84 10.74 9 12 5.16-1.26 9-6.45 9-12V5l-9-4zm0 10.99h7c-.53 4.12-3.28 7.79-7 8.94V12H5V6.3l7-3.11v8.8z"/>
</svg>`;

export const shieldIcon = new LabIcon({ name: 'jupyter-rbac:shield', svgstr: SHIELD_SVG });

/**
 * "My permissions", read from the server each time it is shown.
 */
class MyPermissionsWidget extends ReactWidget {
  constructor(
    private readonly client: RBACClient,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-RBAC-MyPermissionsWidget');
    this.title.label = trans.__('My permissions');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const [me, catalog] = await Promise.all([this.client.me(), this.client.scopes()]);
      this.me = me;
      this.words = catalogWords(catalog);
    } catch (reason) {
      Notification.error(
        this.trans.__('Could not read your permissions: %1', (reason as Error).message)
      );
    }
    this.update();
  }

  render(): JSX.Element {
    if (!this.me) {
      return <p className="jp-RBAC-Loading">{this.trans.__('Loading…')}</p>;
    }
    return <MyPermissions me={this.me} words={this.words} trans={this.trans} />;
  }

  private me: IMe | null = null;
  private words: Map<string, string> = new Map();
}

/**
 * "Check access", for those who may ask about other users.
 */
class AccessCheckWidget extends ReactWidget {
  constructor(
    private readonly client: RBACClient,
    private readonly me: IMe,
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-RBAC-AccessCheckWidget');
    this.title.label = trans.__('Check access');
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this.resources.length) {
      void this.client.scopes().then(
        catalog => {
          this.resources = checkableResources(catalog.scopes);
          this.update();
        },
        reason => Notification.error((reason as Error).message)
      );
    }
  }

  render(): JSX.Element {
    if (!this.resources.length) {
      return <p className="jp-RBAC-Loading">{this.trans.__('Loading…')}</p>;
    }
    return (
      <AccessCheck
        defaultUser={this.me.name}
        resources={this.resources}
        onCheck={question => this.client.check(question)}
        trans={this.trans}
      />
    );
  }

  private resources: string[] = [];
}

/**
 * May this user ask about others (and so see the administration views)? The server decides
 * every request anyway; this only avoids showing what it would refuse.
 */
export function mayAdminister(me: IMe): boolean {
  return me.scopes.some(scope => scope === 'all' || scope === 'users' || scope === 'read:users');
}

/**
 * The Access panel, with its views: "My permissions" for everyone, the rest for administrators.
 */
export function createAccessPanel(
  client: RBACClient,
  trans: TranslationBundle,
  me: IMe
): SidePanel {
  const panel = new SidePanel();
  panel.id = PANEL_ID;
  panel.title.icon = shieldIcon;
  panel.title.caption = trans.__('Access');
  panel.node.setAttribute('aria-label', trans.__('Access'));
  panel.header.addWidget(
    ReactWidget.create(<h2 className="jp-RBAC-PanelTitle">{trans.__('Access')}</h2>)
  );
  panel.addWidget(new MyPermissionsWidget(client, trans));
  if (mayAdminister(me)) {
    panel.addWidget(new AccessCheckWidget(client, me, trans));
  }
  return panel;
}
