// The in-process API: start mpc-mock from a test suite.
//   const mock = await startMpcMock({ port: 0 });  ...  await mock.close();
export { startMpcMock, type MpcMockOptions, type RunningMpcMock } from './server.js';
export { generateFixtures, type GenerateOptions } from './fixtures/generate-fixtures.js';
export type { Config } from './config.js';
