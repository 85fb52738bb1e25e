/**
 * Pick a scope from the server's catalog: type to get suggestions, read what the scope allows,
 * narrow it with a filter (a path glob, a user, a group), add it.
 *
 * It only checks what the catalog says (the scope exists, it takes that filter); the server
 * validates everything again when the role is saved, and its message is shown then.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IScopeEntry } from '../api';
import { ErrorLine } from './common';

export interface IScopePickerProps {
  catalog: IScopeEntry[];
  /** Add the scope (with its filter) to the role being edited. */
  onAdd: (scope: string) => void;
  trans: TranslationBundle;
}

/** What a filter's value means, with the templates it may use. */
function filterHelp(filter: string, trans: TranslationBundle): string {
  switch (filter) {
    case 'path':
      return trans.__(
        'A folder or file under the server root; ** matches everything below: shared/developer/**. {user} stands for the user who asks: home/{user}/** gives everyone their own folder.'
      );
    case 'user':
      return trans.__(
        'A user name; {user} stands for the user who asks, so the scope covers only what is their own.'
      );
    case 'group':
      return trans.__(
        'A group name; {group} stands for each group of the user who asks.'
      );
    default:
      return '';
  }
}

export function ScopePicker(props: IScopePickerProps): JSX.Element {
  const { catalog, trans } = props;
  const [scope, setScope] = React.useState('');
  const [filter, setFilter] = React.useState('');
  const [value, setValue] = React.useState('');
  const [problem, setProblem] = React.useState('');
  const id = React.useId();
  const entry = catalog.find(candidate => candidate.scope === scope.trim());

  const filterLabel = (name: string): string =>
    ({
      path: trans.__('Path'),
      user: trans.__('User'),
      group: trans.__('Group')
    })[name] ?? name;

  const add = (): void => {
    const chosen = scope.trim();
    if (!entry) {
      setProblem(
        trans.__(
          'Unknown scope %1: pick one of the suggestions.',
          chosen || '""'
        )
      );
      return;
    }
    if (filter && !value.trim()) {
      setProblem(
        trans.__(
          'Say which %1 the scope is narrowed to.',
          filterLabel(filter).toLowerCase()
        )
      );
      return;
    }
    props.onAdd(filter ? `${chosen}!${filter}=${value.trim()}` : chosen);
    setScope('');
    setFilter('');
    setValue('');
    setProblem('');
  };
  // Enter in any field adds the scope; the picker lives inside the role's form.
  const onKeyDown = (event: React.KeyboardEvent): void => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  };

  return (
    <fieldset className="jp-RBAC-ScopePicker">
      <legend>{trans.__('Add a scope')}</legend>
      <label htmlFor={`${id}-scope`}>{trans.__('Scope')}</label>
      <input
        id={`${id}-scope`}
        className="jp-mod-styled"
        list={`${id}-catalog`}
        value={scope}
        placeholder="write:contents"
        autoComplete="off"
        aria-describedby={`${id}-about`}
        onChange={event => {
          setScope(event.target.value);
          setFilter('');
          setProblem('');
        }}
        onKeyDown={onKeyDown}
      />
      <datalist id={`${id}-catalog`}>
        {catalog.map(candidate => (
          <option key={candidate.scope} value={candidate.scope}>
            {candidate.description}
          </option>
        ))}
      </datalist>
      <p id={`${id}-about`} className="jp-RBAC-Help">
        {entry
          ? entry.description
          : trans.__('Type to see the scopes the server knows.')}
      </p>
      {entry && entry.filters.length > 0 && (
        <>
          <label htmlFor={`${id}-filter`}>{trans.__('Narrow to')}</label>
          <select
            id={`${id}-filter`}
            className="jp-mod-styled"
            value={filter}
            onChange={event => setFilter(event.target.value)}
          >
            <option value="">{trans.__('everything (no filter)')}</option>
            {entry.filters.map(name => (
              <option key={name} value={name}>
                {filterLabel(name)}
              </option>
            ))}
          </select>
        </>
      )}
      {filter && (
        <>
          <label htmlFor={`${id}-value`}>{filterLabel(filter)}</label>
          <input
            id={`${id}-value`}
            className="jp-mod-styled"
            value={value}
            aria-describedby={`${id}-filter-help`}
            onChange={event => setValue(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <p id={`${id}-filter-help`} className="jp-RBAC-Help">
            {filterHelp(filter, trans)}
          </p>
        </>
      )}
      <button type="button" className="jp-mod-styled" onClick={add}>
        {trans.__('Add scope')}
      </button>
      <ErrorLine message={problem} />
    </fieldset>
  );
}
