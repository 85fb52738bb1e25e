/**
 * What opens beside a table (a user, a role's editor, the invitation form): a labelled region
 * that takes the focus when it opens and gives it back to what had it when it closes (the
 * button that opened it). Escape (or Close) closes it; while it holds typed work, only after
 * asking, so that no typed work is lost to a key. Typed work is text typed into it that is still
 * there: a name typed and added (saved at once, the field emptied) is none; links just made and
 * shown once, or a half-filled form, are.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { confirmDiscard } from '../../feedback';

export interface ISidePaneProps {
  label: string;
  onClose: () => void;
  /** Asks whether to discard typed work (IFeedback.confirm). */
  confirm: (title: string, body: string, accept: string) => Promise<boolean>;
  trans: TranslationBundle;
  children: React.ReactNode;
  /** Filled in by the pane: does it hold typed work? (`useBeside` asks before replacing it.) */
  hasWork?: React.MutableRefObject<() => boolean>;
}

const TEXT_FIELDS =
  'textarea, input:not([type]), input[type="text"], input[type="search"], input[type="email"], input[type="url"], input[type="password"], input[type="number"]';

/** Is any field of `pane` holding text? */
function holdsText(pane: HTMLElement | null): boolean {
  const fields = pane?.querySelectorAll<HTMLInputElement>(TEXT_FIELDS) ?? [];
  return Array.from(fields).some(field => field.value.trim() !== '');
}

export interface IBeside<T> {
  /** What is open beside the table; null: nothing. */
  beside: T | null;
  /** Open `next` in its place, after asking if something typed there would be lost. */
  open: (next: T | null) => Promise<void>;
  /** Close or replace without asking (the pane asked already, or its work was saved). */
  set: (next: T | null) => void;
  hasWork: React.MutableRefObject<() => boolean>;
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
  const hasWork = React.useRef(() => false);
  const open = async (next: T | null): Promise<void> => {
    if (
      beside !== null &&
      hasWork.current() &&
      !(await confirmDiscard(
        confirm,
        trans.__('What you typed beside the table is not saved.'),
        trans
      ))
    ) {
      return;
    }
    set(next);
  };
  return { beside, open, set, hasWork };
}

export function SidePane(props: ISidePaneProps): JSX.Element {
  const pane = React.useRef<HTMLElement>(null);
  const heading = React.useRef<HTMLHeadingElement>(null);
  const opener = React.useRef<Element | null>(null);
  const typed = React.useRef(false);
  const holdsWork = (): boolean => typed.current && holdsText(pane.current);
  if (props.hasWork) {
    props.hasWork.current = holdsWork;
  }
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
      holdsWork() &&
      !(await confirmDiscard(
        props.confirm,
        trans.__('%1 has changes that are not saved.', props.label),
        trans
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
