/**
 * Tabs as the WAI-ARIA tabs pattern has them: a tablist whose arrow keys (and Home, End) move
 * the focus from tab to tab, Enter or Space (or a click) opening the focused one; one tab in the
 * page's Tab order; each panel labelled by its tab. A panel is made when first opened and then
 * kept (hidden while another is open), so nothing typed in it is lost by looking elsewhere.
 * Opening a tab draws no other panel again: a hidden table of fifty rows would cost every click.
 */
import * as React from 'react';

export interface ITab {
  id: string;
  label: string;
  render: () => JSX.Element;
}

export interface ITabsProps {
  /** What the tabs are, for screen readers: "Access control". */
  label: string;
  tabs: ITab[];
  selected: string;
  onSelect: (id: string) => void;
  /** Prefix of the elements' ids (unique in the page). */
  idPrefix: string;
  /** The panels are drawn again only when this changes (what they show was changed outside). */
  generation?: number;
}

/** A panel's content, drawn when first opened and when the generation changes, only. */
const PanelContent = React.memo(
  function PanelContent(props: {
    tab: ITab;
    generation?: number;
  }): JSX.Element {
    return props.tab.render();
  },
  (before, after) =>
    before.tab.id === after.tab.id && before.generation === after.generation
);

export function Tabs(props: ITabsProps): JSX.Element {
  const { tabs, selected, idPrefix } = props;
  const [opened, setOpened] = React.useState<Set<string>>(
    () => new Set([selected])
  );
  React.useEffect(() => {
    setOpened(known =>
      known.has(selected) ? known : new Set([...known, selected])
    );
  }, [selected]);
  const buttons = React.useRef(new Map<string, HTMLButtonElement>());

  const focusAt = (index: number): void => {
    const count = tabs.length;
    const tab = tabs[(index + count) % count];
    buttons.current.get(tab.id)?.focus();
  };
  const onKeyDown = (event: React.KeyboardEvent, index: number): void => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1
    };
    if (event.key in moves) {
      event.preventDefault();
      focusAt(moves[event.key]);
    }
  };

  return (
    <div className="jp-RBAC-PageTabs">
      <div role="tablist" aria-label={props.label} className="jp-RBAC-TabList">
        {tabs.map((tab, index) => (
          <button
            key={tab.id}
            ref={node => {
              if (node) {
                buttons.current.set(tab.id, node);
              } else {
                buttons.current.delete(tab.id);
              }
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${tab.id}`}
            aria-selected={tab.id === selected}
            aria-controls={`${idPrefix}-panel-${tab.id}`}
            tabIndex={tab.id === selected ? 0 : -1}
            className="jp-RBAC-Tab"
            onClick={() => props.onSelect(tab.id)}
            onKeyDown={event => onKeyDown(event, index)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs
        .filter(tab => opened.has(tab.id) || tab.id === selected)
        .map(tab => (
          <div
            key={tab.id}
            role="tabpanel"
            id={`${idPrefix}-panel-${tab.id}`}
            aria-labelledby={`${idPrefix}-tab-${tab.id}`}
            hidden={tab.id !== selected}
            tabIndex={0}
            className="jp-RBAC-TabPanel"
          >
            <PanelContent tab={tab} generation={props.generation} />
          </div>
        ))}
    </div>
  );
}
