/**
 * Small pieces the administration views share: badges, an error line, a pager, a search box,
 * and an editable list of names (roles of a user, members of a group).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/** What went wrong, announced to screen readers; nothing when there is nothing to say. */
export function ErrorLine(props: {
  message: string | null | undefined;
}): JSX.Element | null {
  if (!props.message) {
    return null;
  }
  return (
    <p role="alert" className="jp-RBAC-Error">
      {props.message}
    </p>
  );
}

/** A short label next to a name: "default", "config". */
export function Badge(props: { label: string; title: string }): JSX.Element {
  return (
    <span className="jp-RBAC-Badge" title={props.title}>
      {props.label}
    </span>
  );
}

export interface IPagerProps {
  offset: number;
  limit: number;
  total: number;
  onOffset: (offset: number) => void;
  trans: TranslationBundle;
}

/** "1-50 of 1,000" with previous and next buttons; nothing when one page holds everything. */
export function Pager(props: IPagerProps): JSX.Element | null {
  const { offset, limit, total, trans } = props;
  if (total <= limit && offset === 0) {
    return null;
  }
  const last = Math.min(offset + limit, total);
  return (
    <nav className="jp-RBAC-Pager" aria-label={trans.__('Pages')}>
      <button
        type="button"
        className="jp-mod-styled"
        disabled={offset === 0}
        onClick={() => props.onOffset(Math.max(0, offset - limit))}
      >
        {trans.__('Previous')}
      </button>
      <span>
        {trans.__(
          '%1–%2 of %3',
          (total ? offset + 1 : 0).toLocaleString(),
          last.toLocaleString(),
          total.toLocaleString()
        )}
      </span>
      <button
        type="button"
        className="jp-mod-styled"
        disabled={last >= total}
        onClick={() => props.onOffset(offset + limit)}
      >
        {trans.__('Next')}
      </button>
    </nav>
  );
}

/**
 * Text that settles: `onSettle` runs once typing pauses, so a search does not ask the server
 * at every key.
 */
export function useSettled(
  value: string,
  onSettle: (value: string) => void,
  delay = 250
): void {
  const callback = React.useRef(onSettle);
  callback.current = onSettle;
  const first = React.useRef(true);
  React.useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => callback.current(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
}

/** Names on the server that contain the text typed (the first few), as a picker offers them. */
export type NameSearch = (text: string) => Promise<string[]>;

/** How many names a picker offers at once: the server finds them as one types. */
export const OFFERED_NAMES = 20;

/**
 * The names `search` finds for what was typed, asked once typing pauses (and at once for the
 * empty text, when the field is first used); none if the server refuses.
 */
export function useNameSearch(
  search: NameSearch | undefined,
  text: string,
  active: boolean
): string[] {
  const [found, setFound] = React.useState<string[]>([]);
  const [settled, setSettled] = React.useState('');
  useSettled(text, value => setSettled(value.trim()), 200);
  React.useEffect(() => {
    if (!search || !active) {
      return;
    }
    let current = true;
    search(settled).then(
      names => current && setFound(names),
      () => current && setFound([])
    );
    return () => {
      current = false;
    };
  }, [search, settled, active]);
  return found;
}

/** A field for one name, offering the names the server finds for what is typed. */
export function NameField(props: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  search?: NameSearch;
}): JSX.Element {
  const [used, setUsed] = React.useState(false);
  const id = React.useId();
  const offered = useNameSearch(props.search, props.value, used);
  return (
    <>
      <input
        className="jp-mod-styled"
        aria-label={props.label}
        placeholder={props.placeholder}
        list={`${id}-names`}
        value={props.value}
        onFocus={() => setUsed(true)}
        onChange={event => props.onChange(event.target.value)}
      />
      <datalist id={`${id}-names`}>
        {offered.map(name => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}

export interface INamesEditorProps {
  /** What the names are: "Roles", "Members". Labels the list and the input. */
  label: string;
  names: string[];
  /** Finds the names offered while typing, on the server. */
  search?: NameSearch;
  /** Only names the search finds may be added (a role or a group that exists). */
  onlyKnown?: boolean;
  /** Read-only when false. */
  editable: boolean;
  onAdd: (name: string) => Promise<void>;
  onRemove: (name: string) => Promise<void>;
  trans: TranslationBundle;
}

/**
 * A list of names with a remove button each, and a field (with suggestions) to add one.
 */
export function NamesEditor(props: INamesEditorProps): JSX.Element {
  const { label, names, trans } = props;
  const [adding, setAdding] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [used, setUsed] = React.useState(false);
  const id = React.useId();
  const found = useNameSearch(props.search, adding, used);
  const offered = found.filter(name => !names.includes(name));

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  const [unknown, setUnknown] = React.useState('');
  const add = async (): Promise<void> => {
    const name = adding.trim();
    setUnknown('');
    if (!name) {
      return;
    }
    await run(async () => {
      if (props.onlyKnown && props.search) {
        const known = await props.search(name).catch(() => [] as string[]);
        if (!known.includes(name)) {
          setUnknown(trans.__('%1: there is no %2 here.', label, name));
          return;
        }
      }
      await props.onAdd(name);
      setAdding('');
    });
  };

  return (
    <div className="jp-RBAC-Names">
      <h4 id={`${id}-label`}>{label}</h4>
      {names.length === 0 && (
        <p className="jp-RBAC-Empty">{trans.__('None')}</p>
      )}
      <ul aria-labelledby={`${id}-label`} className="jp-RBAC-Chips">
        {names.map(name => (
          <li key={name} className="jp-RBAC-Chip">
            <span>{name}</span>
            {props.editable && (
              <button
                type="button"
                className="jp-RBAC-ChipRemove"
                aria-label={trans.__('Remove %1 from %2', name, label)}
                title={trans.__('Remove %1', name)}
                disabled={busy}
                onClick={() => run(() => props.onRemove(name))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {props.editable && (
        // Not a <form>: the editor may sit inside one (the invitation); Enter adds.
        <div className="jp-RBAC-AddName">
          <input
            className="jp-mod-styled"
            aria-label={trans.__('Add to %1', label)}
            placeholder={trans.__('Add…')}
            list={`${id}-suggestions`}
            value={adding}
            disabled={busy}
            onFocus={() => setUsed(true)}
            onChange={event => setAdding(event.target.value)}
            onKeyDown={event => {
              if (event.key === 'Enter') {
                event.preventDefault();
                void add();
              }
            }}
          />
          <datalist id={`${id}-suggestions`}>
            {offered.map(name => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <button
            type="button"
            className="jp-mod-styled"
            disabled={busy || !adding.trim()}
            onClick={() => void add()}
          >
            {trans.__('Add')}
          </button>
        </div>
      )}
      <ErrorLine message={unknown} />
    </div>
  );
}
