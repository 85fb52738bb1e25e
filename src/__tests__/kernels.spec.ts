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

describe('withoutKernelStart, asked as each document opens', () => {
  it('leaves the preference alone while the user may start kernels', () => {
    let refused = false;
    const extension = withoutKernelStart(() => refused);
    const open = () => {
      const sessionContext = { kernelPreference: { name: 'python3' } };
      const context = { sessionContext } as unknown as DocumentRegistry.Context;
      extension.createNew({} as Widget, context);
      return sessionContext.kernelPreference;
    };

    expect(open()).toEqual({ name: 'python3' });
    refused = true; // the user lost the scope: the next document opens without one
    expect(open()).toEqual({ name: 'python3', canStart: false });
  });
});
