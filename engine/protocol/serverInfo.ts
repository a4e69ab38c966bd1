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

/**
 * One entry of GET /v1/models: the OpenAI fields, and the figures some servers add.
 * llama-server lists its one model (id: the --alias, else the file name) with `meta`;
 * vLLM and SGLang give `max_model_len`; Ollama and LM Studio give the OpenAI fields only.
 */
export interface ModelEntry {
  id: string;
  object?: string;
  created?: number;
  owned_by?: string;
  /** llama-server: the loaded model's figures; null while it loads. */
  meta?: { n_ctx?: number; n_ctx_train?: number; n_params?: number; size?: number } | null;
  /** vLLM and SGLang: the longest prompt plus answer one request may have. */
  max_model_len?: number | null;
}

/** GET /v1/models. */
export interface ModelListResponse {
  object?: string;
  data: ModelEntry[];
}
