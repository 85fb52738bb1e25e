/**
 * The one way a view reads from the server: the answer, whether it is loading, what went wrong,
 * and a reload. An answer that arrives after a newer request was sent (or after the view left)
 * is dropped, so a slow old page never replaces a new one.
 */
import * as React from 'react';

export interface IRequest<T> {
  /** The last answer; null until the first arrives. A failed reload keeps the one before. */
  data: T | null;
  /** Why the last request failed; null while one is under way, when it succeeded, or before. */
  error: unknown;
  loading: boolean;
  /** Send the request again (with the newest `load`); resolves once the answer is in. */
  reload: () => Promise<void>;
  /** Replace the answer (with what a change returned, say) without asking the server. */
  setData: (data: T | null) => void;
}

export interface IRequestOptions {
  /** Told of every failure (to show it), besides `error`. */
  onError?: (reason: unknown) => void;
  /** Send nothing until `reload` is called (a request the user starts). */
  manual?: boolean;
}

/**
 * Ask `load` now and whenever one of `deps` changes.
 */
export function useRequest<T>(
  load: () => Promise<T>,
  deps: React.DependencyList,
  options: IRequestOptions = {}
): IRequest<T> {
  const [data, setData] = React.useState<T | null>(null);
  const [error, setError] = React.useState<unknown>(null);
  const [loading, setLoading] = React.useState(!options.manual);
  // The newest `load` and `onError`: a reload uses what the last render saw.
  const latest = React.useRef({ load, onError: options.onError });
  latest.current = { load, onError: options.onError };
  const sent = React.useRef(0);
  const mounted = React.useRef(true);
  React.useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const reload = React.useCallback(async (): Promise<void> => {
    const ticket = ++sent.current;
    const current = (): boolean => mounted.current && ticket === sent.current;
    setLoading(true);
    setError(null);
    try {
      const answer = await latest.current.load();
      if (current()) {
        setData(answer);
        setError(null);
      }
    } catch (reason) {
      if (current()) {
        setError(reason);
        latest.current.onError?.(reason);
      }
    } finally {
      if (current()) {
        setLoading(false);
      }
    }
  }, []);

  React.useEffect(() => {
    if (!options.manual) {
      void reload();
    }
  }, deps);

  return { data, error, loading, reload, setData };
}
