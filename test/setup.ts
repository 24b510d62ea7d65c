import { afterEach, expect } from 'vitest';
import { violations } from './response-validation.js';

// As the CLI does: the AWS SDK's notice about Node 20 is the package's news, not a test's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A response that breaks the OpenAPI document fails the test that received it.
afterEach(() => {
  const found = violations.splice(0);
  expect(found, 'responses that do not match openapi/mpc-api.yaml').toEqual([]);
});
