/**
 * What every part of the Members view is given.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { RBACClient } from '../../api';
import { IFeedback } from '../../feedback';

export interface IMembersViewProps {
  client: RBACClient;
  /** What the current user may change (the server decides each request anyway). */
  can: {
    writeUsers: boolean;
    writeGroups: boolean;
    writeRoles: boolean;
    readGroups: boolean;
  };
  /** The current user's name: they cannot delete themselves. */
  me: string;
  /** A user to show (from "Manage roles of X" in Collaborators). */
  focusUser?: string | null;
  pageSize: number;
  feedback: IFeedback;
  trans: TranslationBundle;
}

/** Names offered when adding a role or a group. */
export interface ISuggestions {
  roleNames: string[];
  groupNames?: string[];
}
