import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TASKS_DIR, loadTasks } from '../../evals/evalTasks';
import { passAtK } from '../../evals/passAtK';

describe('agent evals: pass@k', () => {
  it('matches the unbiased estimator', () => {
    assert.equal(passAtK(3, 0, 1), 0);
    assert.equal(passAtK(3, 3, 3), 1);
    assert.ok(Math.abs(passAtK(3, 1, 1) - 1 / 3) < 1e-12);
    assert.equal(passAtK(3, 1, 3), 1, 'one pass among k=n samples');
    // 1 - C(8,2)/C(10,2) = 1 - 28/45
    assert.ok(Math.abs(passAtK(10, 2, 2) - 17 / 45) < 1e-12);
    assert.throws(() => passAtK(2, 1, 3), /needs at least 3 samples/);
    assert.throws(() => passAtK(2, 3, 1), RangeError);
  });

  it('ships well-formed tasks whose checks fail before the agent works', async () => {
    const tasks = await loadTasks();
    assert.deepEqual(tasks.map((t) => t.name), ['add-missing-function', 'create-file', 'failing-test-fix', 'fix-off-by-one', 'rename-across-files']);
    for (const task of tasks) {
      assert.ok(task.request.length > 20 && task.maxSteps > 0);
      assert.ok(fs.existsSync(path.join(task.dir, 'check.js')), `${task.name} has its check outside repo/`);
    }
    await assert.rejects(loadTasks(DEFAULT_TASKS_DIR, ['no-such-task']), /No such eval task: no-such-task/);
  });
});
