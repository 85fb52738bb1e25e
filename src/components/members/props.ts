/**
 * What every part of the Members view is given.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { RBACClient } from '../../api';
import { IFeedback } from '../../feedback';
import { NameSearch, OFFERED_NAMES } from '../common';

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

/** Where the names offered when adding a role, a group or a member come from. */
export interface ISuggestions {
  searchRoles: NameSearch;
  /** None for those who may not read groups. */
  searchGroups?: NameSearch;
  searchUsers: NameSearch;
}

/** The server's searches of role, group and user names (a page of each, as one types). */
export function nameSearches(
  client: RBACClient,
  readGroups: boolean
): ISuggestions {
  const limit = OFFERED_NAMES;
  return {
    searchRoles: async q =>
      (await client.roles({ q, limit })).items.map(r => r.name),
    searchGroups: readGroups
      ? async q => (await client.groups({ q, limit })).items.map(g => g.name)
      : undefined,
    searchUsers: async q =>
      (await client.users({ q, limit })).items.map(u => u.username)
  };
}
