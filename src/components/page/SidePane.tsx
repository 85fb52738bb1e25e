/**
 * What opens beside a table (a user, a role's editor, the invitation form): a labelled region
 * that takes the focus when it opens and gives it back to what had it when it closes (the
 * button that opened it). Escape (or Close) closes it; once something was typed in it, only
 * after asking, so that no typed work is lost to a key.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

export interface ISidePaneProps {
  label: string;
  onClose: () => void;
  /** Asks whether to discard typed work (IFeedback.confirm). */
  confirm: (title: string, body: string, accept: string) => Promise<boolean>;
  trans: TranslationBundle;
  children: React.ReactNode;
  /** Whether something was typed in it, kept by `useBeside` (which asks before replacing it). */
  typed?: React.MutableRefObject<boolean>;
}

export interface IBeside<T> {
  /** What is open beside the table; null: nothing. */
  beside: T | null;
  /** Open `next` in its place, after asking if something typed there would be lost. */
  open: (next: T | null) => Promise<void>;
  /** Close or replace without asking (the pane asked already, or its work was saved). */
  set: (next: T | null) => void;
  typed: React.MutableRefObject<boolean>;
}

/**
 * What opens beside a table, one thing at a time: opening another (a click in the table) asks
 * first if something was typed in the one open, as Escape does.
 */
export function useBeside<T>(
  initial: T | null,
  confirm: ISidePaneProps['confirm'],
  trans: TranslationBundle
): IBeside<T> {
  const [beside, set] = React.useState<T | null>(initial);
  const typed = React.useRef(false);
  const open = async (next: T | null): Promise<void> => {
    if (
      beside !== null &&
      typed.current &&
      !(await confirm(
        trans.__('Discard what you typed?'),
        trans.__('What you typed beside the table is not saved.'),
        trans.__('Discard')
      ))
    ) {
      return;
    }
    typed.current = false;
    set(next);
  };
  return { beside, open, set, typed };
}

export function SidePane(props: ISidePaneProps): JSX.Element {
  const pane = React.useRef<HTMLElement>(null);
  const heading = React.useRef<HTMLHeadingElement>(null);
  const opener = React.useRef<Element | null>(null);
  const own = React.useRef(false);
  const typed = props.typed ?? own;
  // Opened, or opened on something else (another user from the table): the focus moves to the
  // pane, and will go back to what opened it last.
  React.useEffect(() => {
    const from = document.activeElement;
    if (!pane.current?.contains(from)) {
      opener.current = from;
    }
    typed.current = false;
    heading.current?.focus();
  }, [props.label]);
  React.useEffect(
    () => () => {
      const back = opener.current;
      if (back instanceof HTMLElement && back.isConnected) {
        back.focus();
      }
    },
    []
  );
  const close = async (): Promise<void> => {
    const { trans } = props;
    if (
      typed.current &&
      !(await props.confirm(
        trans.__('Discard what you typed?'),
        trans.__('%1 has changes that are not saved.', props.label),
        trans.__('Discard')
      ))
    ) {
      return;
    }
    props.onClose();
  };
  return (
    <section
      ref={pane}
      className="jp-RBAC-SidePane"
      aria-label={props.label}
      onInput={() => {
        typed.current = true;
      }}
      onKeyDown={event => {
        if (event.key === 'Escape' && !event.defaultPrevented) {
          event.preventDefault();
          void close();
        }
      }}
    >
      <div className="jp-RBAC-SidePaneHeader">
        <h3 ref={heading} tabIndex={-1}>
          {props.label}
        </h3>
        <button
          type="button"
          className="jp-mod-styled"
          aria-label={props.trans.__('Close %1', props.label)}
          onClick={() => void close()}
        >
          {props.trans.__('Close')}
        </button>
      </div>
      {props.children}
    </section>
  );
}
