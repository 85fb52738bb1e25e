import { Notification } from '@jupyterlab/apputils';
import type { Event } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Stream } from '@lumino/signaling';

import {
  notifySandboxStops,
  SANDBOX_SCHEMA_ID,
  stoppedMessage,
  stoppedProcessOf
} from '../sandboxStops';

// JupyterLab's notifications, without the widgets behind them (jsdom has no drag and drop).
jest.mock('@jupyterlab/apputils', () => ({
  Notification: { warning: jest.fn(() => 'id') }
}));

const trans = nullTranslator.load('jupyter_rbac');

/** A `sandbox.stopped` event as the server emits it on the event stream. */
function stopped(
  user: string,
  kind = 'kernel',
  name = '0f3c2a1b-9d8e-4f00-a1b2-c3d4e5f60718'
): Event.Emission {
  return {
    schema_id: SANDBOX_SCHEMA_ID,
    audit_id: 7,
    action: 'sandbox.stopped',
    actor: 'system',
    target: `${kind} ${name}`,
    detail: {
      user,
      kind,
      name,
      started_with: { write: ['home/rita'] },
      reach_now: { write: [] }
    }
  };
}

describe('stoppedProcessOf', () => {
  it("finds the user's own stopped process", () => {
    expect(stoppedProcessOf(stopped('rita', 'terminal', '3'), 'rita')).toEqual({
      kind: 'terminal',
      name: '3'
    });
  });

  it("ignores other users' processes (an administrator sees them too)", () => {
    expect(stoppedProcessOf(stopped('eddie'), 'rita')).toBeNull();
  });

  it('ignores other events, and events not shaped as expected', () => {
    const other = {
      ...stopped('rita'),
      schema_id: 'https://events.jupyter.org/jupyter_rbac/role/v1'
    };
    expect(stoppedProcessOf(other, 'rita')).toBeNull();
    expect(
      stoppedProcessOf({ ...stopped('rita'), action: 'role.update' }, 'rita')
    ).toBeNull();
    expect(
      stoppedProcessOf({ schema_id: SANDBOX_SCHEMA_ID }, 'rita')
    ).toBeNull();
    expect(
      stoppedProcessOf(
        { schema_id: SANDBOX_SCHEMA_ID, action: 'sandbox.stopped', detail: [] },
        'rita'
      )
    ).toBeNull();
  });
});

describe('stoppedMessage', () => {
  it("shortens a kernel's id and says to restart it", () => {
    expect(
      stoppedMessage({ kind: 'kernel', name: '0f3c2a1b-9d8e' }, trans)
    ).toBe(
      'Your access changed: your kernel 0f3c2a1b… was stopped. Restart it to continue under your current permissions.'
    );
  });

  it('names a terminal and says to open a new one', () => {
    expect(stoppedMessage({ kind: 'terminal', name: '3' }, trans)).toBe(
      'Your access changed: your terminal 3 was stopped. Open a new one to continue under your current permissions.'
    );
  });
});

describe('notifySandboxStops', () => {
  function listen(user: string): {
    stream: Stream<object, Event.Emission>;
    shown: string[];
    stop: () => void;
  } {
    const stream = new Stream<object, Event.Emission>({});
    const shown: string[] = [];
    const stop = notifySandboxStops(
      stream as unknown as Event.Stream,
      user,
      trans,
      message => shown.push(message)
    );
    return { stream, shown, stop };
  }

  it("shows a warning for each of the user's stopped processes, and nothing else", () => {
    const { stream, shown } = listen('rita');
    stream.emit(stopped('rita'));
    stream.emit(stopped('eddie'));
    stream.emit({ schema_id: 'https://example.org/other', path: 'a.txt' });
    stream.emit(stopped('rita', 'terminal', '1'));
    expect(shown).toEqual([
      expect.stringContaining('your kernel 0f3c2a1b… was stopped'),
      expect.stringContaining('your terminal 1 was stopped')
    ]);
  });

  it('stops listening when told', () => {
    const { stream, shown, stop } = listen('rita');
    stop();
    stream.emit(stopped('rita'));
    expect(shown).toEqual([]);
  });

  it("shows JupyterLab's warning notification, kept until closed", () => {
    const warning = jest.mocked(Notification.warning);
    const stream = new Stream<object, Event.Emission>({});
    notifySandboxStops(stream as unknown as Event.Stream, 'rita', trans);
    stream.emit(stopped('rita'));
    expect(warning).toHaveBeenCalledWith(
      expect.stringContaining('your kernel 0f3c2a1b… was stopped'),
      { autoClose: false }
    );
  });
});
