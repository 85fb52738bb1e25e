import { nullTranslator } from '@jupyterlab/translation';
import { render, screen } from '@testing-library/react';
import * as React from 'react';

import { ICodeReach } from '../api';
import { CodeReach, holdsAll, placesWords } from '../components/CodeReach';
import { MyPermissions } from '../components/MyPermissions';
import { ALICE, READS_EVERYTHING } from './fixtures';

const trans = nullTranslator.load('jupyter_rbac');

const RUNNER: ICodeReach = {
  ...READS_EVERYTHING,
  write: ['home/rita', 'shared/analyst'],
  write_files: ['notes/todo.txt'],
  read_files: ['projects/plan.txt']
};

function shown(code: ICodeReach): string {
  render(<CodeReach code={code} trans={trans} />);
  return screen.getByRole('region', { name: 'Where your code runs' })
    .textContent as string;
}

describe('CodeReach', () => {
  it('lists the folders and files confined code may write and read', () => {
    expect(shown(RUNNER)).toContain(
      'Kernels and terminals you start can write in: home/rita/, shared/analyst/,' +
        ' notes/todo.txt; read: the whole server folder, projects/plan.txt.'
    );
  });

  it('says "nothing" where code gets nothing', () => {
    const none = { ...READS_EVERYTHING, read: [] };
    expect(shown(none)).toContain('can write in: nothing; read: nothing.');
  });

  it('lists the globs no code is given, which the file browser still allows', () => {
    const text = shown({ ...RUNNER, left_out: ['*.ipynb', 'a/*/b/**'] });
    expect(text).toContain(
      'Not given to your code (the file browser still allows them): *.ipynb, a/*/b/**'
    );
  });

  it('says nothing is left out when nothing is', () => {
    expect(shown(RUNNER)).not.toContain('Not given to your code');
  });

  it('warns where the sandbox is switched off', () => {
    const text = shown({
      ...READS_EVERYTHING,
      sandbox: 'off',
      confined: false,
      read: []
    });
    expect(text).toContain('running code grants everything the server can do');
    expect(text).not.toContain('can write in');
  });

  it('says who may run code where the server cannot confine it', () => {
    const unavailable: ICodeReach = {
      ...READS_EVERYTHING,
      sandbox: 'unavailable',
      confined: false,
      may_run_code: false,
      read: []
    };
    const text = shown(unavailable);
    expect(text).toContain(
      'This server cannot confine code: only administrators can start kernels and terminals'
    );
    expect(text).not.toContain('you hold `all`');
  });

  it('says that the code of a holder of `all` is not confined', () => {
    const admin: ICodeReach = {
      ...READS_EVERYTHING,
      confined: false,
      read: []
    };
    expect(holdsAll(admin)).toBe(true);
    expect(shown(admin)).toContain(
      'Your code is not confined (you hold `all`).'
    );
  });

  it('tells holders of `all` on a server without a sandbox both', () => {
    const admin: ICodeReach = {
      ...READS_EVERYTHING,
      sandbox: 'unavailable',
      confined: false,
      read: []
    };
    const text = shown(admin);
    expect(text).toContain('This server cannot confine code');
    expect(text).toContain('you hold `all`');
  });

  it('is part of My permissions', () => {
    render(<MyPermissions me={ALICE} words={new Map()} trans={trans} />);
    expect(
      screen.getByRole('region', { name: 'Where your code runs' }).textContent
    ).toContain('read: the whole server folder.');
  });

  it('names places in order: folders, then files', () => {
    expect(placesWords(['', 'a'], ['b.txt'], trans)).toBe(
      'the whole server folder, a/, b.txt'
    );
  });
});
