import { strict as assert } from 'node:assert';
import { placeBlock } from '../../extension/chat/core/applyPlacement';

const file = ['import { a } from "./a";', '', 'export function add(x: number, y: number): number {', '  return x - y;', '}', '', 'export function sub(x: number, y: number): number {', '  return x - y;', '}', ''].join('\n');

describe('Apply: where a code block goes in a file', () => {
  it('merges a whole function over the function it replaces, leaving the rest', () => {
    const placed = placeBlock(file, 'export function add(x: number, y: number): number {\n  return x + y;\n}\n');
    assert.equal(placed?.how, 'unit');
    assert.equal(placed?.startLine, 3);
    assert.equal(placed?.endLine, 5);
    assert.equal(placed?.text, file.replace('export function add(x: number, y: number): number {\n  return x - y;', 'export function add(x: number, y: number): number {\n  return x + y;'));
  });

  it('replaces the region between a distinctive first and last line', () => {
    const placed = placeBlock(file, 'export function add(x: number, y: number): number {\n  // fixed\n  return x + y; // was minus\n');
    assert.equal(placed, undefined, 'an unfinished unit whose last line is not in the file is left to the model');
    const region = placeBlock('a();\nb();\nc();\nd();\n', 'b();\nB();\nc();\n');
    assert.deepEqual(region, { how: 'region', startLine: 2, endLine: 3, text: 'a();\nb();\nB();\nc();\nd();\n' });
  });

  it('fills an empty file, and takes a block that is the whole file again over all of it', () => {
    assert.deepEqual(placeBlock('', 'x = 1'), { how: 'whole-file', startLine: 0, endLine: 0, text: 'x = 1\n' });
    const whole = file.replace('x - y;\n}\n\nexport function sub', 'x + y;\n}\n\nexport function sub');
    assert.equal(placeBlock(file, whole)?.how, 'whole-file');
  });

  it('leaves a block it cannot place exactly to the model', () => {
    assert.equal(placeBlock(file, 'return x * y;'), undefined, 'no anchor');
    assert.equal(placeBlock(file, '  return x - y;\n}'), undefined, 'the first line occurs twice');
  });

  it('keeps a file\'s CRLF line ends', () => {
    const crlf = 'a();\r\nb();\r\nc();\r\n';
    assert.equal(placeBlock(crlf, 'b();\nB();\nc();')?.text, 'a();\r\nb();\r\nB();\r\nc();\r\n');
  });
});
