/** What the user chose for commands and the network; 'ask' until they answer once. */
export type NetworkSetting = 'ask' | 'on' | 'off';

/** The setting as stored; true and false are read as the on/off of its first, boolean form. */
export function readNetworkSetting(value: unknown): NetworkSetting {
  if (value === true || value === 'on') return 'on';
  if (value === false || value === 'off') return 'off';
  return 'ask';
}

/** The user's answer to the one question; undefined when they closed it without choosing. */
export type NetworkAnswer = 'allow' | 'keep-offline' | undefined;

/**
 * Whether a command may reach the network, asking at most once per window: an answer is
 * saved in user settings (so every later window knows it), and a closed question counts as
 * "offline" until the window reloads rather than coming back before every command.
 */
export class NetworkChoice {
  private pending: Promise<boolean> | undefined;

  constructor(
    private readonly setting: () => NetworkSetting,
    private readonly ask: () => Promise<NetworkAnswer>,
    private readonly save: (setting: 'on' | 'off') => Promise<void>,
  ) {}

  allowed(): Promise<boolean> {
    const current = this.setting();
    if (current !== 'ask') return Promise.resolve(current === 'on');
    this.pending ??= this.ask().then(async (answer) => {
      if (answer === undefined) return false;
      await this.save(answer === 'allow' ? 'on' : 'off');
      return answer === 'allow';
    });
    return this.pending;
  }
}
