/**
 * A view that needs something read first (the scope catalog, say): "Loading…" until it is, then
 * the view; the reason, if reading failed. Read once, when the view is first shown.
 */
import * as React from 'react';

import { messageOf } from '../../feedback';
import { ErrorLine } from '../common';

export function Prepared(props: {
  prepare: () => Promise<() => JSX.Element>;
  loading: string;
}): JSX.Element {
  const [view, setView] = React.useState<(() => JSX.Element) | null>(null);
  const [failure, setFailure] = React.useState('');
  React.useEffect(() => {
    let current = true;
    props.prepare().then(
      render => current && setView(() => render),
      reason => current && setFailure(messageOf(reason))
    );
    return () => {
      current = false;
    };
  }, []);
  if (failure) {
    return <ErrorLine message={failure} />;
  }
  return view ? view() : <p className="jp-RBAC-Loading">{props.loading}</p>;
}
