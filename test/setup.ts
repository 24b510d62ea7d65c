import { afterEach, expect } from 'vitest';
import { violations } from './response-validation.js';

// A response that breaks the OpenAPI document fails the test that received it.
afterEach(() => {
  const found = violations.splice(0);
  expect(found, 'responses that do not match openapi/mpc-api.yaml').toEqual([]);
});
