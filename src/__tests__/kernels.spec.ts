import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { Widget } from '@lumino/widgets';

import { withoutKernelStart } from '../kernels';

describe('withoutKernelStart', () => {
  it('keeps the kernel preference and forbids starting a kernel', () => {
    const sessionContext = {
      kernelPreference: { name: 'python3', shouldStart: true }
    };
    const context = { sessionContext } as unknown as DocumentRegistry.Context;

    withoutKernelStart().createNew({} as Widget, context);

    expect(sessionContext.kernelPreference).toEqual({
      name: 'python3',
      shouldStart: true,
      canStart: false
    });
  });
});
