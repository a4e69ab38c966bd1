import { strict as assert } from 'node:assert';
describe('sanity', () => { it('runs TypeScript tests', () => { const x: number = 1; assert.equal(x + 1, 2); }); });
