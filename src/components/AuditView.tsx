/**
 * The audit trail: policy changes and denied requests, newest first, with filters. It stays
 * live by asking for the first page again every few seconds with `If-None-Match` (a 304 costs
 * the server almost nothing); JupyterLab's `Poll` backs off on errors and rests while the
 * browser tab is hidden. Older events load a page at a time with the server's cursor. What
 * the filters pick (a date range too) downloads as CSV or JSON lines.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import * as React from 'react';

import { IAuditEvent, IAuditQuery, RBACClient } from '../api';
import { messageOf } from '../feedback';
import { auditSentence } from '../auditWords';
import { ErrorLine } from './common';

export interface IAuditViewProps {
  client: RBACClient;
  /** Seconds between two looks for new events; 0 for none. */
  refreshSeconds: number;
  pageSize: number;
  trans: TranslationBundle;
}

const KINDS = [
  'role',
  'user',
  'group',
  'token',
  'invitation',
  'request',
  'policy'
];

interface IFilters {
  kind: string;
  actor: string;
  target: string;
  /** Days (YYYY-MM-DD, in the browser's time zone), both included; '' for no bound. */
  from: string;
  to: string;
}

/** The server's filters for the chosen ones: a day range as the instants it spans. */
export function auditQuery(filters: IFilters): IAuditQuery {
  const { kind, actor, target, from, to } = filters;
  const query: IAuditQuery = { kind, actor, target };
  if (from) {
    query.since = new Date(`${from}T00:00:00`).toISOString();
  }
  if (to) {
    const dayAfter = new Date(`${to}T00:00:00`);
    dayAfter.setDate(dayAfter.getDate() + 1);
    query.until = dayAfter.toISOString();
  }
  return query;
}

export function AuditView(props: IAuditViewProps): JSX.Element {
  const { client, trans } = props;
  const [filters, setFilters] = React.useState<IFilters>({
    kind: '',
    actor: '',
    target: '',
    from: '',
    to: ''
  });
  const [applied, setApplied] = React.useState<IFilters>(filters);
  const [events, setEvents] = React.useState<IAuditEvent[] | null>(null);
  const [cursor, setCursor] = React.useState<number | null>(null);
  const [total, setTotal] = React.useState(0);
  const [error, setError] = React.useState('');
  const id = React.useId();
  // The newest page's ETag and what was loaded beyond it survive re-renders.
  const etag = React.useRef('');
  const older = React.useRef<IAuditEvent[]>([]);

  const query = (extra: IAuditQuery = {}): IAuditQuery => ({
    ...auditQuery(applied),
    limit: props.pageSize,
    ...extra
  });
  const download = async (format: 'csv' | 'jsonl'): Promise<void> => {
    try {
      const { file, name } = await client.exportAudit({
        ...auditQuery(applied),
        format
      });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(file);
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (reason) {
      setError(messageOf(reason));
    }
  };

  // (Re)load the newest page; older pages already loaded stay below it.
  const refresh = React.useCallback(async (): Promise<void> => {
    try {
      const answer = await client.audit(query(), etag.current);
      setError('');
      if (answer === null) {
        return; // 304: nothing new
      }
      etag.current = answer.etag;
      const newest = answer.page.items;
      const oldestShown = newest.length
        ? newest[newest.length - 1].id
        : Infinity;
      setEvents([
        ...newest,
        ...older.current.filter(event => event.id < oldestShown)
      ]);
      setTotal(answer.page.total);
      setCursor(current =>
        older.current.length ? current : answer.page.next_cursor
      );
    } catch (reason) {
      setError(messageOf(reason));
      throw reason; // the poll backs off
    }
  }, [applied, props.pageSize]);

  React.useEffect(() => {
    etag.current = '';
    older.current = [];
    setEvents(null);
    if (props.refreshSeconds <= 0) {
      void refresh().catch(() => undefined);
      return;
    }
    // the poll's first tick asks at once: one request for the first page, not two
    const interval = props.refreshSeconds * 1000;
    const poll = new Poll({
      factory: refresh,
      frequency: { interval, backoff: true, max: interval * 12 },
      standby: 'when-hidden',
      name: 'jupyter-rbac:audit'
    });
    return () => poll.dispose();
  }, [refresh, props.refreshSeconds]);

  const loadOlder = async (): Promise<void> => {
    if (cursor === null) {
      return;
    }
    try {
      const answer = await client.audit(query({ before: cursor }));
      if (answer) {
        older.current = [...older.current, ...answer.page.items];
        setEvents(shown => [...(shown ?? []), ...answer.page.items]);
        setCursor(answer.page.next_cursor);
      }
    } catch (reason) {
      setError(messageOf(reason));
    }
  };

  const field = (
    name: keyof IFilters,
    label: string,
    type = 'text'
  ): JSX.Element => (
    <>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type={type}
        className="jp-mod-styled"
        value={filters[name]}
        onChange={event =>
          setFilters({ ...filters, [name]: event.target.value })
        }
      />
    </>
  );

  return (
    <div className="jp-RBAC-Audit">
      <form
        className="jp-RBAC-AuditFilters"
        aria-label={trans.__('Filter the audit trail')}
        onSubmit={event => {
          event.preventDefault();
          setApplied({
            ...filters,
            actor: filters.actor.trim(),
            target: filters.target.trim()
          });
        }}
      >
        <label htmlFor={`${id}-kind`}>{trans.__('Kind')}</label>
        <select
          id={`${id}-kind`}
          className="jp-mod-styled"
          value={filters.kind}
          onChange={event => {
            const next = { ...filters, kind: event.target.value };
            setFilters(next);
            setApplied({ ...applied, kind: next.kind });
          }}
        >
          <option value="">{trans.__('everything')}</option>
          {KINDS.map(kind => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
        {field('actor', trans.__('By user'))}
        {field('target', trans.__('About'))}
        {field('from', trans.__('From'), 'date')}
        {field('to', trans.__('To'), 'date')}
        <button type="submit" className="jp-mod-styled">
          {trans.__('Filter')}
        </button>
      </form>
      <div
        className="jp-RBAC-Toolbar"
        role="group"
        aria-label={trans.__('Export what the filters show')}
      >
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => void download('csv')}
        >
          {trans.__('Export CSV')}
        </button>
        <button
          type="button"
          className="jp-mod-styled"
          onClick={() => void download('jsonl')}
        >
          {trans.__('Export JSON lines')}
        </button>
      </div>
      <ErrorLine message={error} />
      {events === null ? (
        <p className="jp-RBAC-Loading">{trans.__('Loading…')}</p>
      ) : (
        <>
          <p className="jp-RBAC-Count" aria-live="polite">
            {props.refreshSeconds > 0
              ? trans._n(
                  '%1 event, updated live',
                  '%1 events, updated live',
                  total
                )
              : trans._n('%1 event', '%1 events', total)}
          </p>
          <ol
            className="jp-RBAC-AuditList"
            aria-label={trans.__('Audit events')}
          >
            {events.map(event => (
              <li
                key={event.id}
                className={`jp-RBAC-AuditEvent jp-RBAC-Audit-${event.kind}`}
              >
                <time dateTime={event.at} title={event.at}>
                  {new Date(event.at).toLocaleString()}
                </time>
                <span className="jp-RBAC-AuditLine">
                  {auditSentence(event, trans)}{' '}
                  <code className="jp-RBAC-AuditAction">{event.action}</code>
                </span>
                {detailWords(event) && (
                  <span className="jp-RBAC-AuditDetail">
                    {detailWords(event)}
                  </span>
                )}
              </li>
            ))}
          </ol>
          {events.length === 0 && (
            <p className="jp-RBAC-Empty">{trans.__('No event matches.')}</p>
          )}
          {cursor !== null && (
            <button
              type="button"
              className="jp-mod-styled"
              onClick={() => void loadOlder()}
            >
              {trans.__('Older events')}
            </button>
          )}
        </>
      )}
    </div>
  );
}

/** The event's detail on one line: `scopes: a, b; users: c`. */
export function detailWords(event: IAuditEvent): string {
  return Object.entries(event.detail ?? {})
    .filter(
      ([, value]) =>
        value !== null &&
        value !== undefined &&
        value !== '' &&
        !(Array.isArray(value) && !value.length)
    )
    .map(
      ([key, value]) =>
        `${key}: ${Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`
    )
    .join('; ');
}
