/**
 * The status bar item that says who the user is and which roles they hold.
 */
import * as React from 'react';

import type { TranslationBundle } from '@jupyterlab/translation';

import type { IMe } from '../api';

/**
 * Properties of the `MeStatus` component.
 */
export interface IMeStatusProps {
  /** The current user, from `RBACClient.me()`. */
  me: IMe;
  /** The translation bundle of this extension. */
  trans: TranslationBundle;
}

/**
 * The label shown in the status bar: "Alice Smith · user, viewer" (the display name, which
 * defaults to the user name).
 */
export function meLabel(me: IMe, trans: TranslationBundle): string {
  const name = me.display_name || me.username;
  if (me.roles.length === 0) {
    return name;
  }
  return trans.__('%1 · %2', name, me.roles.join(', '));
}

/**
 * The tooltip: the user, their roles and groups, and every effective scope.
 */
export function meTooltip(me: IMe, trans: TranslationBundle): string {
  const none = trans.__('(none)');
  const list = (items: string[]): string =>
    items.length ? items.join(', ') : none;
  const name = me.display_name || me.username;
  return [
    name === me.username
      ? trans.__('Signed in as %1', name)
      : trans.__('Signed in as %1 (%2)', name, me.username),
    trans.__('Roles: %1', list(me.roles)),
    trans.__('Groups: %1', list(me.groups)),
    trans.__('Effective scopes:'),
    ...(me.scopes.length ? me.scopes.map(scope => `  ${scope}`) : [none])
  ].join('\n');
}

/**
 * Shows "name · roles"; hovering lists the effective scopes.
 */
export function MeStatus({ me, trans }: IMeStatusProps): JSX.Element {
  return (
    <span
      className="jp-StatusBar-TextItem jp-RBAC-MeStatus"
      title={meTooltip(me, trans)}
      aria-label={trans.__('Access: %1', meLabel(me, trans))}
    >
      {meLabel(me, trans)}
    </span>
  );
}
