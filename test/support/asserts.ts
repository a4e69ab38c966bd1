// Assertions several test files share.
import { strict as assert } from 'node:assert';

/** An error class whose instances carry a `code` callers switch on (MediaError, RecorderError, ...). */
type CodedErrorClass<E extends Error & { code: string }> = abstract new (...args: never[]) => E;

/**
 * An assertion that a promise rejects with an instance of `type` with the given `code` (and a
 * message matching `message`, when given); it returns that error for further checks. Each test
 * file binds it once to the error class it expects: `const rejectsWith = rejectsWithCode(MediaError);`.
 */
export function rejectsWithCode<E extends Error & { code: string }>(type: CodedErrorClass<E>): (promise: Promise<unknown>, code: E['code'], message?: RegExp) => Promise<E> {
  return async (promise, code, message) => {
    let caught: E | undefined;
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof type, `expected a ${type.name}, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      if (message) assert.match(err.message, message);
      caught = err;
      return true;
    });
    return caught!;
  };
}

/** Every channel of a pixel within `tolerance` of the expected one. */
export function near(actual: readonly number[], expected: readonly number[], tolerance = 3): void {
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `pixel ${actual.join(',')} is not near ${expected.join(',')}`);
  }
}
