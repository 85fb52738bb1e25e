import { act, renderHook, waitFor } from '@testing-library/react';

import { useRequest } from '../hooks/useRequest';

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('useRequest', () => {
  it('drops an answer that arrives after a newer request was sent', async () => {
    const slow = deferred<string>();
    const fast = deferred<string>();
    const answers = [slow, fast];
    const { result, rerender } = renderHook(
      ({ key }) => useRequest(() => answers[key].promise, [key]),
      { initialProps: { key: 0 } }
    );
    expect(result.current.loading).toBe(true);
    rerender({ key: 1 });
    await act(async () => fast.resolve('new'));
    await act(async () => slow.resolve('old'));
    expect(result.current.data).toBe('new');
    expect(result.current.loading).toBe(false);
  });

  it('keeps the last answer when a reload fails, and reports the failure', async () => {
    const failures: unknown[] = [];
    let fail = false;
    const { result } = renderHook(() =>
      useRequest(
        () => (fail ? Promise.reject(new Error('down')) : Promise.resolve(1)),
        [],
        { onError: reason => failures.push(reason) }
      )
    );
    await waitFor(() => expect(result.current.data).toBe(1));
    fail = true;
    await act(() => result.current.reload());
    expect(result.current.data).toBe(1);
    expect((result.current.error as Error).message).toBe('down');
    expect(failures).toHaveLength(1);
  });

  it('sends nothing until asked when manual', async () => {
    const load = jest.fn(() => Promise.resolve('asked'));
    const { result } = renderHook(() => useRequest(load, [], { manual: true }));
    expect(load).not.toHaveBeenCalled();
    expect(result.current.loading).toBe(false);
    await act(() => result.current.reload());
    expect(load).toHaveBeenCalledTimes(1);
    expect(result.current.data).toBe('asked');
  });
});
