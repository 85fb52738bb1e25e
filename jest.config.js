/**
 * Jest: unit tests under src/__tests__, compiled by ts-jest.
 *
 * JupyterLab's packages (and a few of their dependencies) ship ES modules, so
 * they are compiled too; everything else in node_modules is left as it is.
 */
const esModules = [
  '@jupyterlab/',
  '@jupyter/ydoc',
  'lib0',
  'y-protocols',
  'yjs'
].join('|');

module.exports = {
  testEnvironment: '<rootDir>/jest-environment.js',
  modulePathIgnorePatterns: ['<rootDir>/jupyter_rbac/', '<rootDir>/lib/'],
  testMatch: ['<rootDir>/src/__tests__/**/*.spec.ts?(x)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'json'],
  moduleNameMapper: {
    '\\.(css|less|sass|scss|svg)$': '<rootDir>/src/__tests__/styleMock.js'
  },
  transform: {
    '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esModules}))`]
};
