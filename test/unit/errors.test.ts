import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { abortError, CodedError, errorMessage, isAbortError, isCodedError, problemOf } from '../../engine/errors';
import { createAbortError, EngineUnavailableError } from '../../engine/client';

describe('errors: one base, one message helper, one abort test', () => {
  it('a coded error has its code, facts, cause and the name of its class', () => {
    class DiskError extends CodedError<'disk-gone'> {}
    const cause = new Error('EIO');
    const error = new DiskError('disk-gone', 'The disk went away.', { path: '/mnt/x' }, { cause });
    assert.ok(error instanceof Error && isCodedError(error));
    assert.equal(error.name, 'DiskError');
    assert.equal(error.code, 'disk-gone');
    assert.deepEqual(error.facts, { path: '/mnt/x' });
    assert.equal(error.cause, cause);
    assert.equal(error.message, 'The disk went away.');
  });

  it('problemOf finds the first coded error along the cause chain, as data', () => {
    const engine = new EngineUnavailableError('http://gpu-box:8080');
    const wrapper = new Error('Could not reach the remote engine at http://gpu-box:8080', { cause: engine });
    assert.deepEqual(problemOf(wrapper), { code: 'engine-unreachable', facts: { url: 'http://gpu-box:8080' } });
    assert.deepEqual(problemOf(engine), problemOf(wrapper));
    assert.equal(problemOf(new Error('plain')), undefined);
    assert.equal(problemOf('a string'), undefined);
    assert.equal(problemOf(undefined), undefined);
    const loop = new Error('loops') as Error & { cause?: unknown };
    loop.cause = loop;
    assert.equal(problemOf(loop), undefined, 'a cause that points back at itself ends the walk');
    assert.deepEqual(JSON.parse(JSON.stringify(problemOf(wrapper))), problemOf(wrapper), 'a problem survives JSON (events, --json)');
  });

  it('errorMessage gives the message of an Error and the text of anything else', () => {
    assert.equal(errorMessage(new TypeError('bad type')), 'bad type');
    assert.equal(errorMessage(new DOMException('gone', 'AbortError')), 'gone');
    assert.equal(errorMessage('just text'), 'just text');
    assert.equal(errorMessage(42), '42');
    assert.equal(errorMessage(undefined), 'undefined');
    assert.equal(errorMessage({ message: 'not an Error' }), '[object Object]');
  });

  describe('isAbortError', () => {
    it('knows the platform AbortError: AbortController, fetch, DOMException', async () => {
      const controller = new AbortController();
      controller.abort();
      assert.ok(isAbortError(controller.signal.reason), 'the default reason of abort()');
      assert.ok(isAbortError(new DOMException('stop', 'AbortError')));
      assert.ok(isAbortError(abortError()));
      assert.ok(isAbortError(createAbortError()), "the engine client's cancellation");
      const fetched = await fetch('http://127.0.0.1:9/', { signal: controller.signal }).catch((error: unknown) => error);
      assert.ok(isAbortError(fetched), String(fetched));
    });

    it("knows Node's ABORT_ERR from child_process and events", async () => {
      const controller = new AbortController();
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { signal: controller.signal, stdio: 'ignore' });
      const failed = once(child, 'error');
      controller.abort();
      const [error] = (await failed) as [NodeJS.ErrnoException];
      assert.equal(error.code, 'ABORT_ERR');
      assert.ok(isAbortError(error));
      const waited = await once(new EventEmitter(), 'never', { signal: AbortSignal.abort() }).catch((e: unknown) => e);
      assert.ok(isAbortError(waited), String(waited));
      assert.ok(isAbortError({ code: 'ABORT_ERR' }), 'by its code alone, whatever its name');
    });

    it('counts any failure once the given signal has fired, whatever its reason', () => {
      const controller = new AbortController();
      const reason = new Error('the user closed the panel');
      assert.equal(isAbortError(reason, controller.signal), false, 'not before the signal fires');
      controller.abort(reason);
      assert.ok(isAbortError(reason, controller.signal), 'a custom reason');
      assert.ok(isAbortError(new Error('socket closed'), controller.signal), 'what broke because of the cancel');
      assert.ok(isAbortError(undefined, controller.signal));
    });

    it('does not count timeouts or other failures', async () => {
      assert.equal(isAbortError(new DOMException('too slow', 'TimeoutError')), false, 'a timeout is a failure to report');
      const timeout = AbortSignal.timeout(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((timeout.reason as Error).name, 'TimeoutError');
      assert.equal(isAbortError(timeout.reason), false, "AbortSignal.timeout's reason");
      assert.equal(isAbortError(new Error('AbortError')), false, 'the message does not count, only the name');
      assert.equal(isAbortError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), false);
      assert.equal(isAbortError('AbortError'), false);
      assert.equal(isAbortError(null), false);
      assert.equal(isAbortError(undefined), false);
      assert.equal(isAbortError(new Error('x'), new AbortController().signal), false, 'a signal that has not fired changes nothing');
    });
  });
});
