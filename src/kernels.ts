/**
 * Keeps JupyterLab from starting kernels the server would refuse.
 *
 * JupyterLab starts a kernel for every notebook it opens. For a user who may
 * not start kernels, the server refuses (403) and JupyterLab shows an error,
 * then a kernel picker. Opened with `canStart: false`, the notebook simply
 * says "No Kernel". The server decides (`can.start_kernels` of
 * `GET /api/rbac/me`, read again when the user's permissions change) and still
 * checks every request; this only avoids asking.
 */
import type { DocumentRegistry } from '@jupyterlab/docregistry';

/**
 * A widget extension that marks a new document's session as unable to start a
 * kernel, when `refused()` says so as the document opens (always, by default).
 */
export function withoutKernelStart(
  refused: () => boolean = () => true
): DocumentRegistry.WidgetExtension {
  return {
    createNew: (_widget, context) => {
      if (!refused()) {
        return;
      }
      const sessionContext = context.sessionContext;
      sessionContext.kernelPreference = {
        ...sessionContext.kernelPreference,
        canStart: false
      };
    }
  };
}
