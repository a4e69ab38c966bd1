import * as vscode from 'vscode';
import { setting } from '../settings/settings';
import { NetworkChoice, readNetworkSetting, type NetworkAnswer } from './core/networkChoice';

const SECTION = 'gemmaAgent.agent';
const KEY = 'commands.network';
const ALLOW = 'Allow Network';
const OFFLINE = 'Keep Offline';

/** The network question for the agent's sandboxed commands, asked once in a modal. */
export function createNetworkChoice(): NetworkChoice {
  return new NetworkChoice(
    () => readNetworkSetting(setting('commandsNetwork')),
    async (): Promise<NetworkAnswer> => {
      const picked = await vscode.window.showWarningMessage(
        "Let the agent's commands reach the network?",
        {
          modal: true,
          detail:
            'Commands run in a sandbox that can write only the workspace and cannot see your secrets. With the network on they can also download (npm install, git fetch) and send data out. Your answer is saved in the user setting "gemmaAgent.agent.commands.network".',
        },
        ALLOW,
        OFFLINE,
      );
      return picked === ALLOW ? 'allow' : picked === OFFLINE ? 'keep-offline' : undefined;
    },
    async (value) => {
      await vscode.workspace.getConfiguration(SECTION).update(KEY, value, vscode.ConfigurationTarget.Global);
    },
  );
}
