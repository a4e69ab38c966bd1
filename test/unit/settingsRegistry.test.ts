import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAllSettings, readSetting, SETTINGS, type SettingName, type SettingSource } from '../../extension/settings/core/registry';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number; enum?: string[] }> } | Array<{ properties: Record<string, { default?: unknown }> }> };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};
const declared: Record<string, { default?: unknown; minimum?: number; maximum?: number; enum?: string[] }> = Object.assign(
  {},
  ...[manifest.contributes.configuration].flat().map((c) => c.properties),
);
const names = Object.keys(SETTINGS) as SettingName[];

function sourceOf(values: Record<string, unknown>, options: { user?: Record<string, unknown>; trusted?: boolean } = {}): SettingSource {
  return { value: (k) => values[k], userValue: (k) => options.user?.[k], trusted: options.trusted ?? true };
}

describe('settings registry', () => {
  it('declares every package.json setting once, with the same default', () => {
    const keys = names.map((n) => SETTINGS[n].key);
    assert.deepEqual([...keys].sort(), Object.keys(declared).sort(), 'the registry and package.json name the same settings');
    assert.equal(new Set(keys).size, keys.length, 'no key is declared twice');
    for (const name of names) assert.deepEqual(SETTINGS[name].default, declared[SETTINGS[name].key].default, `${SETTINGS[name].key}: the default matches package.json`);
  });

  it('keeps numbers in the ranges package.json declares, and choices among its enum', () => {
    const all = readAllSettings(sourceOf(Object.fromEntries(names.map((n) => [SETTINGS[n].key, 1e12]))));
    const low = readAllSettings(sourceOf(Object.fromEntries(names.map((n) => [SETTINGS[n].key, -1e12]))));
    for (const name of names) {
      const spec = declared[SETTINGS[name].key];
      if (typeof spec.maximum === 'number') assert.equal(all[name], spec.maximum, `${name} is clamped to its maximum`);
      if (typeof spec.minimum === 'number') assert.equal(low[name], spec.minimum, `${name} is clamped to its minimum`);
      if (spec.enum && name !== 'commandsNetwork') assert.equal(readSetting(sourceOf({ [SETTINGS[name].key]: 'nonsense' }), name), SETTINGS[name].default, `${name} falls back for an unknown choice`);
    }
  });

  it('turns values of the wrong type into the default', () => {
    const wrong = readAllSettings(sourceOf(Object.fromEntries(names.map((n) => [SETTINGS[n].key, { not: 'a setting' }]))));
    for (const name of names) if (name !== 'commandsNetwork') assert.deepEqual(wrong[name], SETTINGS[name].default, name);
    assert.equal(readSetting(sourceOf({ 'gemmaAgent.media.imageTokenBudget': 99999 }), 'imageTokenBudget'), 1120, 'the chat and screenshot-to-code read the same clamped budget');
  });

  it('reads the settings that name programs or paths from user settings only in Restricted Mode, as package.json lists them', () => {
    const restricted = names.filter((n) => 'userOnlyWhenRestricted' in SETTINGS[n] && SETTINGS[n].userOnlyWhenRestricted).map((n) => SETTINGS[n].key);
    assert.deepEqual(restricted.sort(), [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort());
    const source = sourceOf({ 'gemmaAgent.voice.recorderCommand': 'evil-from-repo' }, { user: { 'gemmaAgent.voice.recorderCommand': 'my-recorder' }, trusted: false });
    assert.equal(readSetting(source, 'voiceRecorderCommand'), 'my-recorder');
    assert.equal(readSetting({ ...source, trusted: true }, 'voiceRecorderCommand'), 'evil-from-repo');
  });

  it('has a reader in the extension for every setting (a setting that changes nothing is a defect)', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && !full.endsWith(path.join('settings', 'core', 'registry.ts'))) sources.push(fs.readFileSync(full, 'utf8'));
      }
    };
    walk(path.join(root, 'extension'));
    const code = sources.join('\n');
    for (const name of names) assert.match(code, new RegExp(`setting\\('${name}'\\)|\\.${name}\\b`), `${name} is read somewhere in extension/`);
  });
});
