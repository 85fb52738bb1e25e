/**
 * Saving and deleting a role, as the role views (the side panel's list, the page's table) do
 * it: a save with the role's version tag (reload and retry on 412, if the person agrees), a
 * delete after saying who loses it.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IRole, RBACClient } from '../api';
import { IFeedback, messageOf, saveWithRetry } from '../feedback';
import { IRoleFields } from './RoleEditor';

/** What the editor shows: an existing role, or a new one (maybe a copy). */
export type Editing =
  { role: IRole } | { role: null; initial?: IRoleFields } | null;

export interface IRoleActions {
  /** Save the editor's fields (create a new role or change the one edited); then close it. */
  save: (fields: IRoleFields) => Promise<void>;
  /** Delete a role after asking. */
  remove: (role: IRole) => Promise<void>;
}

export function roleActions(options: {
  client: RBACClient;
  feedback: IFeedback;
  trans: TranslationBundle;
  editing: Editing;
  setEditing: (editing: Editing) => void;
  /** Read the list again. */
  reload: () => void;
}): IRoleActions {
  const { client, feedback, trans, editing, setEditing, reload } = options;
  const save = async (fields: IRoleFields): Promise<void> => {
    if (editing && editing.role) {
      const saved = await saveWithRetry(
        trans.__('Role %1', editing.role.name),
        editing.role,
        current =>
          client.updateRole(
            current.name,
            { description: fields.description, scopes: fields.scopes },
            current.etag
          ),
        () => client.role(editing.role.name),
        feedback
      );
      if (saved === null) {
        return;
      }
      feedback.success(trans.__('Role %1 saved.', saved.name));
    } else {
      const created = await client.createRole(fields);
      feedback.success(trans.__('Role %1 created.', created.name));
    }
    setEditing(null);
    reload();
  };

  const remove = async (role: IRole): Promise<void> => {
    const holders = role.users.length + role.groups.length;
    const confirmed = await feedback.confirm(
      trans.__('Delete role %1?', role.name),
      holders
        ? trans._n(
            'One user or group holds it now; it loses what the role grants.',
            '%1 users and groups hold it now; they lose what it grants.',
            holders
          )
        : trans.__('Nobody holds it.'),
      trans.__('Delete')
    );
    if (!confirmed) {
      return;
    }
    try {
      const done = await saveWithRetry(
        trans.__('Role %1', role.name),
        role,
        current =>
          client.deleteRole(current.name, current.etag).then(() => true),
        () => client.role(role.name),
        feedback
      );
      if (done) {
        feedback.success(trans.__('Role %1 deleted.', role.name));
      }
    } catch (reason) {
      feedback.error(
        trans.__('Could not delete role %1: %2', role.name, messageOf(reason))
      );
    }
    reload();
  };
  return { save, remove };
}
