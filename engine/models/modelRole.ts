/** The three files of a Gemma Agent model set. */
export type ModelRole = 'model' | 'drafter' | 'projector';

/** How each role is named in messages shown to the user. */
export const ROLE_LABEL: Readonly<Record<ModelRole, string>> = {
  model: 'model',
  drafter: 'MTP drafter',
  projector: 'multimodal projector (mmproj)',
};
