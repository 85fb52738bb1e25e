/**
 * A role's Duplicate and Delete buttons, as both lists of roles (the panel's and the page's
 * table) offer them to those who may write roles.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IRole } from '../api';
import { Editing } from './roleActions';

export function RoleChangeButtons(props: {
  role: IRole;
  /** Open the editor of a new role (its fields copied from this one). */
  onEdit: (editing: Editing) => void;
  onDelete: (role: IRole) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { role, trans } = props;
  return (
    <>
      <button
        type="button"
        className="jp-mod-styled"
        aria-label={trans.__('Duplicate role %1', role.name)}
        onClick={() =>
          props.onEdit({
            role: null,
            initial: {
              name: trans.__('%1-copy', role.name),
              description: role.description,
              scopes: role.scopes
            }
          })
        }
      >
        {trans.__('Duplicate')}
      </button>
      {role.deletable && (
        <button
          type="button"
          className="jp-mod-styled jp-mod-warn"
          aria-label={trans.__('Delete role %1', role.name)}
          onClick={() => props.onDelete(role)}
        >
          {trans.__('Delete')}
        </button>
      )}
    </>
  );
}
