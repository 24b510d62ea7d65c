// The in-process API: start mpc-mock from a test suite. The faker generator is a separate entry point,
// 'mpc-mock/generate', so that importing this one stays fast.
//   const mock = await startMpcMock({ port: 0 });  ...  await mock.close();
export { startMpcMock, type MpcMockOptions, type RunningMpcMock } from './server.js';
export type { Config } from './config.js';
