import * as vscode from 'vscode';

export interface InstructionPrompt {
  title: string;
  placeholder: string;
  /** A line under the box; VS Code adds the Enter/Escape hint itself. */
  hint: string;
}

/**
 * Asks for the instruction in a quick input at the top of the window: Enter sends, Escape
 * gives up. An empty instruction is refused with a hint instead of closing the box.
 */
export function askInstruction(prompt: InstructionPrompt): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = prompt.title;
    box.placeholder = prompt.placeholder;
    box.prompt = prompt.hint;
    box.ignoreFocusOut = false;
    let answer: string | undefined;
    box.onDidChangeValue(() => {
      box.validationMessage = undefined;
    });
    box.onDidAccept(() => {
      const value = box.value.trim();
      if (value === '') {
        box.validationMessage = 'Describe the change to make, e.g. "handle the empty list".';
        return;
      }
      answer = value;
      box.hide();
    });
    box.onDidHide(() => {
      box.dispose();
      resolve(answer);
    });
    box.show();
  });
}
