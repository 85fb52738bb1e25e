/**
 * Scopes and role sources in plain words, for people rather than administrators of scopes.
 *
 * The words for each scope come from the server's catalog (`GET /api/rbac/scopes`), and the
 * scope's parts from the server's parser (`scope_parts` of `GET /api/rbac/me`, and
 * `GET /api/rbac/scopes/parts` for scopes not saved yet); this module adds what a filter narrows
 * them to ("under shared/", "that you started").
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IScopeCatalog, IScopePart } from './api';

/** What the words of a scope need of its parts (an `IScopePart` has them). */
export interface IScopeWords {
  scope: IScopePart['scope'];
  base: IScopePart['base'];
  filter: { name: string; value: string } | null;
}

/**
 * The catalog as a look-up: scope (without filter) -> description.
 */
export function catalogWords(catalog: IScopeCatalog): Map<string, string> {
  return new Map(catalog.scopes.map(entry => [entry.scope, entry.description]));
}

/**
 * One scope in plain words: "List folders and open files and notebooks (under shared/)".
 */
export function describeScope(
  part: IScopeWords,
  words: Map<string, string>,
  me: string,
  trans: TranslationBundle,
  whose: 'yours' | 'theirs' = 'yours'
): string {
  const base = part.base ?? part.scope;
  const description = words.get(base) ?? base;
  if (!part.filter) {
    return description;
  }
  const { name, value } = part.filter;
  return trans.__(
    '%1 (%2)',
    description,
    filterWords(name, value, me, trans, whose)
  );
}

/**
 * What scopes let someone do, in plain words, sorted and each said once. `all` is everything:
 * the scopes beside it (the `user` role's, say) add nothing to read.
 */
export function describeAbilities(
  parts: IScopeWords[],
  words: Map<string, string>,
  me: string,
  trans: TranslationBundle,
  whose: 'yours' | 'theirs' = 'yours'
): string[] {
  const everything = parts.filter(part => part.scope === 'all');
  const said = (everything.length ? everything : parts).map(part =>
    describeScope(part, words, me, trans, whose)
  );
  return [...new Set(said)].sort((a, b) => a.localeCompare(b));
}

function filterWords(
  name: string,
  value: string,
  me: string,
  trans: TranslationBundle,
  whose: 'yours' | 'theirs'
): string {
  switch (name) {
    case 'path': {
      const where = value.endsWith('**')
        ? trans.__('under %1', value.replace(/\/?\*\*$/, '/'))
        : trans.__('at %1', value);
      // Templates are filled in per user: say so in words.
      if (value.includes('{user}')) {
        return trans.__("%1: each user's own", where);
      }
      if (value.includes('{group}')) {
        return trans.__('%1: for each of their groups', where);
      }
      return where;
    }
    case 'user':
      if (value === '{user}') {
        return trans.__('their own');
      }
      if (value === me) {
        return whose === 'yours' ? trans.__('yours') : trans.__('their own');
      }
      return trans.__('those of %1', value);
    case 'group':
      return value === '{group}'
        ? trans.__('those of their groups')
        : trans.__('those of group %1', value);
    default:
      return `${name}=${value}`;
  }
}

/**
 * How a role is held, in plain words.
 */
export function describeSource(
  source: string,
  trans: TranslationBundle,
  whose: 'yours' | 'theirs' = 'yours'
): string {
  if (source === 'direct') {
    return whose === 'yours'
      ? trans.__('given to you')
      : trans.__('given directly');
  }
  if (source === 'everyone') {
    return trans.__('everyone has it');
  }
  if (source === 'hub') {
    return trans.__('from JupyterHub');
  }
  if (source === 'oidc') {
    return trans.__('from your sign-in provider');
  }
  if (source.startsWith('group:')) {
    return trans.__('through group %1', source.slice('group:'.length));
  }
  return source;
}
