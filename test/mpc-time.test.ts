import { describe, expect, it } from 'vitest';
import { formatMpcTime, parseMpcTime } from '../src/domain/mpc-time.js';

describe('yyyymmddhhmmss times', () => {
  it.each(['00000101000000', '00990228235959', '20240229120000', '99991231235959'])('round-trips %s', (value) => {
    expect(formatMpcTime(parseMpcTime(value)!)).toBe(value);
  });

  it.each(['20230229000000', '20231131000000', '20230101240000', '20230101006000', '20230101000060', '2023010100000', '2023-01-01T00:'])(
    'refuses %s',
    (value) => {
      expect(parseMpcTime(value)).toBeUndefined();
    },
  );
});
