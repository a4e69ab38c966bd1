/**
 * Told to the model with each Ask-mode message. It goes in the user's turn, not the system
 * prompt, and the tools stay offered (the policy refuses edits and commands), so the prompt
 * starts the same way in both modes and the engine's cache serves either.
 */
export const ASK_MODE_NOTE =
  '(Ask mode: read and search the project as much as you need, but change nothing and run nothing. Answer with a plan: numbered steps, naming the files and what changes in each. The user can then run the plan in Agent mode.)';
