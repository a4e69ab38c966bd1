import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; walkthroughs: { steps: { description: string; media: { markdown?: string }; completionEvents?: string[] }[] }[] };
};

/** Every 'gemmaAgent.*' id named in the extension's sources (commands are registered by literal or by a constant). */
function registeredCommands(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) for (const m of fs.readFileSync(full, 'utf8').matchAll(/'(gemmaAgent\.[\w.]+)'/g)) found.add(m[1]);
    }
  };
  walk(path.join(root, 'extension'));
  return found;
}

describe('manifest: the first-run walkthrough', () => {
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const registered = registeredCommands();

  it('links only commands that are contributed and registered, and ships its pages in the VSIX', () => {
    const steps = manifest.contributes.walkthroughs[0].steps;
    assert.ok(steps.length >= 3);
    for (const step of steps) {
      for (const m of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(contributed.has(m[1]), `${m[1]} is contributed`);
        assert.ok(registered.has(m[1]), `${m[1]} is registered`);
      }
      assert.ok(step.media.markdown && fs.existsSync(path.join(root, step.media.markdown)), `${step.media.markdown} exists`);
      assert.ok(step.media.markdown.startsWith('media/'), 'media/ is what .vscodeignore keeps');
    }
  });

  it('names every command it contributes in the extension code', () => {
    assert.deepEqual([...contributed].filter((c) => !registered.has(c)), []);
  });
});
