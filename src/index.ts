// The in-process API: start mpc-mock from a test suite. The faker generator is a separate entry point,
// 'mpc-mock/generate', so that importing this one stays fast.
//   const mock = await startMpcMock({ port: 0 });  mock.clock.freeze();  ...  await mock.close();
export { startMpcMock, type MpcMockOptions, type RunningMpcMock } from './server.js';
export type { Config } from './config.js';
export type { ClockControl, LifecycleControl, OutcomeControl, TaskControl, TaskKindWord } from './control/in-process.js';
export type { LifecycleSetting } from './domain/tasks/lifecycle-settings.js';
export type { OutcomeRule } from './domain/tasks/outcomes.js';
export type { TaskDocument } from './domain/tasks/task-kinds.js';
export { mockControl, MockControlError, type MockControl, type MockControlOptions } from './control/client.js';
