/**
 * What the signed-in user may do on this server, as the server says it: the hints of
 * `GET /api/rbac/me` (`can`, and `why_not` for each refused one) and each folder's `writable`
 * in its contents model (jupyter-rbac sets it from the user's permissions on that folder).
 * JupyterLab's offers (Launcher tiles, "New", Upload, Rename, ...) are read from here; nothing
 * is guessed in the browser, and the server still checks every request.
 *
 * When the server says the user's permissions changed (a `permissions.changed` notice on their
 * event stream), everything is read again and `changed` tells the offers to follow.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents, Event } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import type { IMe } from './api';

/** The schema of the server's notice (jupyter_rbac/events/permissions/v1.yaml). */
export const PERMISSIONS_SCHEMA_ID =
  'https://events.jupyter.org/jupyter_rbac/permissions/v1';

/** A hint of `/api/rbac/me`'s `can`. */
export type Hint = 'start_kernels' | 'open_terminals';

/** Why something is refused: the scope the user lacks, or (null) the server's own reason. */
export interface IRefusal {
  missingScope: string | null;
  message: string;
}

/** Where the answers come from: the server, through JupyterLab's own connections. */
export interface IAbilitiesSource {
  /** `GET /api/rbac/me`. */
  readMe(): Promise<IMe>;
  /** A folder's contents model without its entries. */
  readFolder(path: string): Promise<Contents.IModel>;
}

/**
 * The scope that lets a user create or move something into `folder` (an API path, '' for the
 * root): what a refused write there names.
 */
export function scopeToWriteIn(folder: string): string {
  return `write:contents!path=${folder ? PathExt.join(folder, '*') : '*'}`;
}

export class Abilities {
  constructor(me: IMe, source: IAbilitiesSource) {
    this._me = me;
    this._source = source;
  }

  /** The user, as `/api/rbac/me` last answered. */
  get me(): IMe {
    return this._me;
  }

  /** Emitted when what the user may do is known anew (a folder answered, permissions changed). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted when the user's permissions were read anew (the server said they changed). */
  get refreshed(): ISignal<this, void> {
    return this._refreshed;
  }

  /** Why the server would refuse `hint`, or null if it would not. */
  refusal(hint: Hint): IRefusal | null {
    if (this._me.can[hint]) {
      return null;
    }
    const reason = this._me.why_not?.[hint];
    return {
      missingScope: reason?.missing_scope ?? null,
      message: reason?.message ?? ''
    };
  }

  /**
   * Why the server would refuse to create something in `folder`; null if it would not;
   * undefined while the folder's answer is awaited (`changed` is emitted when it comes).
   */
  folderRefusal(folder: string): IRefusal | null | undefined {
    const writable = this._folders.get(folder);
    if (writable === undefined) {
      this._askFolder(folder);
      return undefined;
    }
    return writable ? null : refusedWrite(scopeToWriteIn(folder));
  }

  /** Why the server would refuse to change or remove an entry of a listing, or null. */
  entryRefusal(
    entry: Pick<Contents.IModel, 'path' | 'writable'>
  ): IRefusal | null {
    return entry.writable
      ? null
      : refusedWrite(`write:contents!path=${entry.path}`);
  }

  /** Read everything again from the server; `changed` follows. */
  async refresh(): Promise<void> {
    const generation = ++this._generation;
    const me = await this._source.readMe();
    if (generation !== this._generation) {
      return; // a later refresh overtook this one
    }
    this._me = me;
    this._folders.clear();
    this._asked.clear(); // answers under the old permissions are dropped when they come
    this._changed.emit();
    this._refreshed.emit();
  }

  /**
   * Refresh whenever the server tells this user, on their event stream, that their permissions
   * changed. Returns what stops listening.
   */
  listen(stream: Event.Stream): () => void {
    const listener = (_sender: unknown, event: Event.Emission): void => {
      if (
        event.schema_id === PERMISSIONS_SCHEMA_ID &&
        event.action === 'permissions.changed' &&
        event.user === this._me.username
      ) {
        this.refresh().catch(reason =>
          console.warn('jupyter-rbac: could not read your permissions.', reason)
        );
      }
    };
    stream.connect(listener);
    return () => void stream.disconnect(listener);
  }

  private _askFolder(folder: string): void {
    if (this._asked.has(folder)) {
      return;
    }
    const generation = this._generation;
    this._asked.add(folder);
    this._source
      .readFolder(folder)
      .then(
        model => model.writable === true,
        () => false // unreadable, gone: nothing can be created there
      )
      .then(writable => {
        if (generation === this._generation) {
          this._asked.delete(folder);
          this._folders.set(folder, writable);
          this._changed.emit();
        }
      });
  }

  private _me: IMe;
  private _source: IAbilitiesSource;
  private _folders = new Map<string, boolean>();
  private _asked = new Set<string>();
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
  private _refreshed = new Signal<this, void>(this);
}

function refusedWrite(scope: string): IRefusal {
  return { missingScope: scope, message: `you need the scope ${scope}` };
}
