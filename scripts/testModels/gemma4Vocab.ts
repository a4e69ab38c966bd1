import { GgufEntry, gguf } from '../../engine/gguf/ggufTypes';

/**
 * A byte-level BPE vocabulary ("gpt2" in llama.cpp terms) that carries Gemma 4's special
 * tokens by their real texts. llama.cpp finds end-of-generation tokens, the image and audio
 * wrappers and the tool-call markers by text, so these are what make a tiny model behave
 * like Gemma 4 to llama-server; any byte string can still be tokenized.
 */

export const GEMMA4_SPECIAL_TOKENS = [
  '<pad>',
  '<eos>',
  '<bos>',
  '<unk>',
  '<|turn>',
  '<turn|>',
  '<|think|>',
  '<|channel>',
  '<channel|>',
  '<|tool>',
  '<tool|>',
  '<|tool_call>',
  '<tool_call|>',
  '<|tool_response>',
  '<tool_response|>',
  '<|"|>',
  '<|image>',
  '<image|>',
  '<|audio>',
  '<audio|>',
  '<|image|>',
  '<|audio|>',
  '<|video|>',
] as const;

export type Gemma4SpecialToken = (typeof GEMMA4_SPECIAL_TOKENS)[number];

/** llama.cpp's LLAMA_TOKEN_TYPE_* codes as stored in tokenizer.ggml.token_type. */
const TOKEN_TYPE_NORMAL = 1;
const TOKEN_TYPE_CONTROL = 3;

/** Pairs merged by the tokenizer; a vocabulary without merges fails to load as "gpt2". */
const MERGES: readonly (readonly [string, string])[] = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['i', 'n'],
  ['Ġt', 'he'],
];

export type TokenKind = 'special' | 'byte' | 'merge';

export interface VocabToken {
  readonly text: string;
  readonly kind: TokenKind;
  /** For byte tokens: the byte they stand for. */
  readonly byte?: number;
}

export interface Gemma4Vocab {
  readonly tokens: readonly VocabToken[];
  readonly merges: readonly string[];
  readonly idOf: (text: string) => number;
}

/** GPT-2's reversible byte-to-character table: printable bytes map to themselves. */
export function byteToUnicode(): string[] {
  const direct: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) direct.push(b);
  for (let b = 0xa1; b <= 0xac; b++) direct.push(b);
  for (let b = 0xae; b <= 0xff; b++) direct.push(b);
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = direct.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + extra++);
  }
  return table;
}

export function buildGemma4Vocab(): Gemma4Vocab {
  const tokens: VocabToken[] = GEMMA4_SPECIAL_TOKENS.map((text) => ({ text, kind: 'special' as const }));
  const table = byteToUnicode();
  for (let b = 0; b < 256; b++) tokens.push({ text: table[b], kind: 'byte', byte: b });
  for (const [a, b] of MERGES) tokens.push({ text: a + b, kind: 'merge' });

  const ids = new Map<string, number>();
  tokens.forEach((t, i) => ids.set(t.text, i));
  if (ids.size !== tokens.length) throw new Error('The tiny Gemma 4 vocabulary has duplicate token texts.');
  return {
    tokens,
    merges: MERGES.map(([a, b]) => `${a} ${b}`),
    idOf: (text: string) => {
      const id = ids.get(text);
      if (id === undefined) throw new Error(`Token "${text}" is not in the tiny Gemma 4 vocabulary.`);
      return id;
    },
  };
}

/**
 * The tokenizer.* keys. Special ids are set explicitly, as Gemma 4 conversions do, rather
 * than left to the "gpt2" defaults (which point at token 11).
 */
export function gemma4VocabMetadata(vocab: Gemma4Vocab, chatTemplate?: string): GgufEntry[] {
  const entries: GgufEntry[] = [
    ['tokenizer.ggml.model', gguf.str('gpt2')],
    ['tokenizer.ggml.pre', gguf.str('default')],
    ['tokenizer.ggml.tokens', gguf.strings(vocab.tokens.map((t) => t.text))],
    ['tokenizer.ggml.scores', gguf.numbers('float32', vocab.tokens.map(() => 0))],
    [
      'tokenizer.ggml.token_type',
      gguf.numbers('int32', vocab.tokens.map((t) => (t.kind === 'special' ? TOKEN_TYPE_CONTROL : TOKEN_TYPE_NORMAL))),
    ],
    ['tokenizer.ggml.merges', gguf.strings(vocab.merges)],
    ['tokenizer.ggml.bos_token_id', gguf.u32(vocab.idOf('<bos>'))],
    ['tokenizer.ggml.eos_token_id', gguf.u32(vocab.idOf('<eos>'))],
    ['tokenizer.ggml.eot_token_id', gguf.u32(vocab.idOf('<turn|>'))],
    ['tokenizer.ggml.unknown_token_id', gguf.u32(vocab.idOf('<unk>'))],
    ['tokenizer.ggml.padding_token_id', gguf.u32(vocab.idOf('<pad>'))],
    ['tokenizer.ggml.add_bos_token', gguf.bool(true)],
    ['tokenizer.ggml.add_eos_token', gguf.bool(false)],
  ];
  if (chatTemplate !== undefined) entries.push(['tokenizer.chat_template', gguf.str(chatTemplate)]);
  return entries;
}
