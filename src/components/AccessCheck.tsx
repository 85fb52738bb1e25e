/**
 * "May this user do this?": a form backed by `POST /api/rbac/check`, answering yes or no, and
 * why (which role and scope, held how) or which scope is missing. An administrator's view.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ICheckQuestion, IDecision } from '../api';
import { useRequest } from '../hooks/useRequest';
import { describeSource } from '../plainWords';

export interface IAccessCheckProps {
  /** The user asked about first (the current user). */
  defaultUser: string;
  /** The resources of the scope catalog. */
  resources: string[];
  /** Ask the server. */
  onCheck: (question: ICheckQuestion) => Promise<IDecision>;
  trans: TranslationBundle;
}

const ACTIONS: ICheckQuestion['action'][] = ['read', 'write', 'execute'];

export function AccessCheck(props: IAccessCheckProps): JSX.Element {
  const { trans } = props;
  const [user, setUser] = React.useState(props.defaultUser);
  const [action, setAction] = React.useState<ICheckQuestion['action']>('read');
  const [resource, setResource] = React.useState(
    props.resources.includes('contents')
      ? 'contents'
      : (props.resources[0] ?? '')
  );
  const [path, setPath] = React.useState('');
  const [owner, setOwner] = React.useState('');
  const id = React.useId();
  const asked = React.useRef(action); // the action of the question answered
  // Asked when the form is sent, with the question as it stands then.
  const check = useRequest(
    () => {
      asked.current = action;
      const question: ICheckQuestion = { user: user.trim(), action, resource };
      if (path.trim()) {
        question.path = path.trim();
      }
      if (owner.trim()) {
        question.owner = owner.trim();
      }
      return props.onCheck(question);
    },
    [],
    { manual: true }
  );
  const decision = check.data;
  const error = check.error ? (check.error as Error).message : '';

  const submit = async (event: React.FormEvent): Promise<void> => {
    event.preventDefault();
    check.setData(null);
    await check.reload();
  };

  return (
    <form
      className="jp-RBAC-AccessCheck"
      onSubmit={submit}
      aria-label={trans.__('Check access')}
    >
      <label htmlFor={`${id}-user`}>{trans.__('User')}</label>
      <input
        id={`${id}-user`}
        className="jp-mod-styled"
        value={user}
        required
        onChange={e => setUser(e.target.value)}
      />
      <label htmlFor={`${id}-action`}>{trans.__('Action')}</label>
      <select
        id={`${id}-action`}
        className="jp-mod-styled"
        value={action}
        onChange={e => setAction(e.target.value as ICheckQuestion['action'])}
      >
        {ACTIONS.map(a => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-resource`}>{trans.__('Resource')}</label>
      <select
        id={`${id}-resource`}
        className="jp-mod-styled"
        value={resource}
        onChange={e => setResource(e.target.value)}
      >
        {props.resources.map(r => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-path`}>{trans.__('Path (optional)')}</label>
      <input
        id={`${id}-path`}
        className="jp-mod-styled"
        value={path}
        placeholder={trans.__('for example: shared/notes.ipynb')}
        onChange={e => setPath(e.target.value)}
      />
      <label htmlFor={`${id}-owner`}>{trans.__('Owner (optional)')}</label>
      <input
        id={`${id}-owner`}
        className="jp-mod-styled"
        value={owner}
        onChange={e => setOwner(e.target.value)}
      />
      <button type="submit" className="jp-mod-styled jp-mod-accept">
        {trans.__('Check')}
      </button>
      <div role="status" aria-live="polite" className="jp-RBAC-Decision">
        {decision && decision.allowed && decision.granted_by && (
          <p className="jp-RBAC-Allowed">
            {trans.__(
              'Allowed: role %1 grants %2 (%3).',
              decision.granted_by.role,
              decision.granted_by.scope,
              decision.granted_by.via
                .map(via => describeSource(via, trans, 'theirs'))
                .join(', ')
            )}
            {coverage(asked.current, decision.granted_by.scope, trans)}
          </p>
        )}
        {decision && !decision.allowed && (
          <p className="jp-RBAC-Refused">
            {trans.__(
              'Refused: it needs the scope %1.',
              decision.missing_scope ?? ''
            )}
          </p>
        )}
        {error && <p className="jp-RBAC-Error">{error}</p>}
      </div>
    </form>
  );
}

/**
 * Why a scope of another action answers the question: " write includes read." (nothing when
 * the scope names the action asked).
 */
export function coverage(
  asked: string,
  scope: string,
  trans: TranslationBundle
): string {
  const [head] = scope.split('!');
  if (!head.includes(':')) {
    return (
      ' ' + trans.__('%1 covers every action, %2 among them.', head, asked)
    );
  }
  const granted = head.split(':')[0];
  return granted === asked
    ? ''
    : ' ' + trans.__('%1 includes %2.', granted, asked);
}

/**
 * The resources a check can name, from the scope catalog's `action:resource` entries.
 */
export function checkableResources(scopes: { scope: string }[]): string[] {
  const resources = new Set<string>();
  for (const { scope } of scopes) {
    const [action, resource] = scope.split(':');
    if (resource && ACTIONS.includes(action as ICheckQuestion['action'])) {
      resources.add(resource);
    }
  }
  return [...resources].sort();
}
