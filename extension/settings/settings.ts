import * as vscode from 'vscode';
import { RECOMMENDED_REPO } from '../../engine/models/repoModelSet';
import { readAllSettings, readSetting, type SettingName, type SettingSource, type SettingValue, type SettingValues } from './core/registry';

/** The settings the extension reads, typed in one place (see core/registry.ts). */
export type Settings = SettingValues;

/** The recommended set as the first-run guidance names it (the sizes are the published ones). */
export const RECOMMENDED_MODEL = `Gemma 4 12B ${RECOMMENDED_REPO.quant} with its MTP drafter and projector from hf:${RECOMMENDED_REPO.owner}/${RECOMMENDED_REPO.repo}, about 7.6 GB`;

function source(): SettingSource {
  const c = vscode.workspace.getConfiguration();
  return {
    value: (key) => c.get(key),
    userValue: (key) => c.inspect(key)?.globalValue,
    trusted: vscode.workspace.isTrusted,
  };
}

/** Every setting, read and checked now. */
export function readSettings(): Settings {
  return readAllSettings(source());
}

/** One setting, read and checked now. */
export function setting<K extends SettingName>(name: K): SettingValue<K> {
  return readSetting(source(), name);
}
