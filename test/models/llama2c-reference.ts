/**
 * An independent float64 reference of the llama2.c forward pass, for tests only: its own reader
 * of the legacy checkpoint (DataView, every weight widened to float64), and a forward pass with no
 * KV cache that recomputes every position of the sequence from scratch with plain loops, written
 * from the Llama 2 definition (llama2.c model.py): RMSNorm (eps 1e-5), RoPE with θ = 10000 on
 * consecutive pairs, grouped-query attention, SwiGLU, tied or separate classifier.
 */
import { readFileSync } from 'node:fs';

export interface ReferenceModel {
  dim: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  seqLen: number;
  embedding: Float64Array[]; // [vocab][dim]
  attNorm: Float64Array[]; // [layer][dim]
  wq: Float64Array[][]; // [layer][out][in]
  wk: Float64Array[][];
  wv: Float64Array[][];
  wo: Float64Array[][];
  ffnNorm: Float64Array[];
  w1: Float64Array[][];
  w2: Float64Array[][];
  w3: Float64Array[][];
  finalNorm: Float64Array;
  classifier: Float64Array[];
}

export function readLegacyReference(file: string): ReferenceModel {
  const buf = readFileSync(file);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const h = Array.from({ length: 7 }, (_, i) => dv.getInt32(4 * i, true));
  const [dim, hidden, layers, heads, kvHeads, vocabSigned, seqLen] = h as [number, number, number, number, number, number, number];
  const vocab = Math.abs(vocabSigned);
  const kvDim = (dim / heads) * kvHeads;
  let at = 28;
  const vec = (n: number) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++, at += 4) v[i] = dv.getFloat32(at, true);
    return v;
  };
  const mat = (rows: number, cols: number) => Array.from({ length: rows }, () => vec(cols));
  const perLayer = <T>(f: () => T) => Array.from({ length: layers }, f);
  const embedding = mat(vocab, dim);
  const attNorm = perLayer(() => vec(dim));
  const wq = perLayer(() => mat(dim, dim));
  const wk = perLayer(() => mat(kvDim, dim));
  const wv = perLayer(() => mat(kvDim, dim));
  const wo = perLayer(() => mat(dim, dim));
  const ffnNorm = perLayer(() => vec(dim));
  const w1 = perLayer(() => mat(hidden, dim));
  const w2 = perLayer(() => mat(dim, hidden));
  const w3 = perLayer(() => mat(hidden, dim));
  const finalNorm = vec(dim);
  at += 2 * 4 * seqLen * (dim / heads / 2); // freq_cis_real, freq_cis_imag
  const classifier = vocabSigned > 0 ? embedding : mat(vocab, dim);
  if (at !== buf.length) throw new Error(`reference reader: consumed ${at} of ${buf.length} bytes`);
  return { dim, hidden, layers, heads, kvHeads, vocab, seqLen, embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm, classifier };
}

function rmsnorm(x: Float64Array, w: Float64Array): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const r = 1 / Math.sqrt(ss / x.length + 1e-5);
  return x.map((v, i) => v * r * w[i]!);
}

function apply(m: Float64Array[], x: Float64Array): Float64Array {
  return Float64Array.from(m, (row) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j]! * x[j]!;
    return s;
  });
}

function rope(v: Float64Array, pos: number, headSize: number): void {
  for (let i = 0; i < v.length; i += 2) {
    const d = i % headSize;
    const theta = pos * Math.pow(10000, -d / headSize);
    const re = v[i]!;
    const im = v[i + 1]!;
    v[i] = re * Math.cos(theta) - im * Math.sin(theta);
    v[i + 1] = re * Math.sin(theta) + im * Math.cos(theta);
  }
}

/** Probabilities p(next | tokens[0..t]) for every t, recomputing the whole sequence. */
export function referenceProbabilities(m: ReferenceModel, tokens: readonly number[]): Float64Array[] {
  const T = tokens.length;
  const hs = m.dim / m.heads;
  const group = m.heads / m.kvHeads;
  let xs = tokens.map((t) => Float64Array.from(m.embedding[t]!));
  for (let l = 0; l < m.layers; l++) {
    const normed = xs.map((x) => rmsnorm(x, m.attNorm[l]!));
    const qs = normed.map((x, pos) => {
      const q = apply(m.wq[l]!, x);
      rope(q, pos, hs);
      return q;
    });
    const ks = normed.map((x, pos) => {
      const k = apply(m.wk[l]!, x);
      rope(k, pos, hs);
      return k;
    });
    const vs = normed.map((x) => apply(m.wv[l]!, x));
    xs = xs.map((x, pos) => {
      const attended = new Float64Array(m.dim);
      for (let h = 0; h < m.heads; h++) {
        const kvh = Math.floor(h / group);
        const scores: number[] = [];
        for (let s = 0; s <= pos; s++) {
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += qs[pos]![h * hs + i]! * ks[s]![kvh * hs + i]!;
          scores.push(dot / Math.sqrt(hs));
        }
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= pos; s++) for (let i = 0; i < hs; i++) attended[h * hs + i]! += (e[s]! / z) * vs[s]![kvh * hs + i]!;
      }
      const o = apply(m.wo[l]!, attended);
      const x1 = x.map((v, i) => v + o[i]!);
      const n2 = rmsnorm(x1, m.ffnNorm[l]!);
      const a = apply(m.w1[l]!, n2);
      const b = apply(m.w3[l]!, n2);
      const g = a.map((v, i) => (v / (1 + Math.exp(-v))) * b[i]!);
      const f = apply(m.w2[l]!, g);
      return x1.map((v, i) => v + f[i]!);
    });
  }
  const out: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const logits = apply(m.classifier, rmsnorm(xs[t]!, m.finalNorm));
    const mx = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - mx));
    const z = e.reduce((a, b) => a + b, 0);
    out.push(e.map((v) => v / z));
  }
  return out;
}
