/** GET /props as llama-server answers it (the fields this project reads). */
export interface PropsResponse {
  default_generation_settings: { n_ctx: number; params?: Record<string, unknown> };
  total_slots: number;
  model_alias?: string;
  model_path: string;
  modalities: { vision: boolean; audio: boolean; video?: boolean };
  chat_template: string;
  chat_template_tool_use?: string;
  bos_token?: string;
  eos_token?: string;
  build_info?: string;
  is_sleeping?: boolean;
}

/** POST /tokenize body. */
export interface TokenizeRequest {
  content: string;
  add_special?: boolean;
  parse_special?: boolean;
  with_pieces?: boolean;
}

export interface TokenizeResponse {
  tokens: Array<number | { id: number; piece: string | number[] }>;
}

export interface HealthResponse {
  status: 'ok';
}
