/**
 * "Where your code runs", a part of "My permissions": what the kernels and terminals the user
 * starts may reach (`code` of `GET /api/rbac/me`). The sandbox is built from the user's
 * `contents` scopes; this only shows what the server says (it decides and confines).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ICodeReach } from '../api';

export interface ICodeReachProps {
  /** `code` of `GET /api/rbac/me`. */
  code: ICodeReach;
  /** The translation bundle of this extension. */
  trans: TranslationBundle;
}

/** A folder in words: "" is the whole served folder; others end in "/" (files do not). */
function folderWords(folder: string, trans: TranslationBundle): string {
  return folder === '' ? trans.__('the whole server folder') : `${folder}/`;
}

/** Folders, then single files, as one comma-separated list ("nothing" when there are none). */
export function placesWords(
  folders: readonly string[],
  files: readonly string[],
  trans: TranslationBundle
): string {
  const places = [
    ...folders.map(folder => folderWords(folder, trans)),
    ...files
  ];
  return places.length ? places.join(', ') : trans.__('nothing');
}

/**
 * Does the user hold `all`? The server leaves only their code unconfined where it confines code,
 * and lets only them run code where it cannot confine it.
 */
export function holdsAll(code: ICodeReach): boolean {
  return code.sandbox !== 'off' && !code.confined && code.may_run_code;
}

export function CodeReach(props: ICodeReachProps): JSX.Element {
  const { code, trans } = props;
  return (
    <section
      className="jp-RBAC-CodeReach"
      aria-labelledby="jp-RBAC-code-title"
      title={code.summary}
    >
      <h3 id="jp-RBAC-code-title">{trans.__('Where your code runs')}</h3>
      <CodeReachWords code={code} trans={trans} />
    </section>
  );
}

function CodeReachWords(props: ICodeReachProps): JSX.Element {
  const { code, trans } = props;
  if (code.sandbox === 'off') {
    return (
      <p className="jp-RBAC-Notice">
        {trans.__(
          'Kernels and terminals run unconfined on this server: running code grants everything the server can do.'
        )}
      </p>
    );
  }
  const unavailable = code.sandbox === 'unavailable' && (
    <p className="jp-RBAC-Notice">
      {trans.__(
        'This server cannot confine code: only administrators can start kernels and terminals.'
      )}
    </p>
  );
  if (holdsAll(code)) {
    return (
      <>
        {unavailable}
        <p>{trans.__('Your code is not confined (you hold `all`).')}</p>
      </>
    );
  }
  if (!code.confined) {
    return <>{unavailable}</>;
  }
  return (
    <>
      <p>
        {trans.__(
          'Kernels and terminals you start can write in: %1; read: %2.',
          placesWords(code.write, code.write_files, trans),
          placesWords(code.read, code.read_files, trans)
        )}
      </p>
      {code.left_out.length > 0 && (
        <p>
          {trans.__(
            'Not given to your code (the file browser still allows them): %1',
            code.left_out.join(', ')
          )}
        </p>
      )}
    </>
  );
}
