/**
 * Jest runs the unit tests of the TypeScript sources (the *.spec.ts files in any
 * __tests__ folder under src/: src/__tests__ for the API client, src/<domain>/__tests__)
 * through ts-jest with tsconfig.test.json (CommonJS, jest types), so the
 * library build (tsc with tsconfig.json) never sees the tests.
 *
 * No transform is needed for node_modules: the "main" of the @lumino/*
 * packages is a UMD bundle that Node's require loads as it is.
 *
 * Pure logic runs in Node; the view specs (*.spec.tsx) ask for jsdom in a docblock
 * (jest-env-jsdom.js).
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['<rootDir>/src/**/__tests__/**/*.spec.{ts,tsx}'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }]
  },
  clearMocks: true
};
